// GetLeadSourceReport and the lead_source read model (lead and opportunity topics).
//
// The lead and opportunity topics interleave differently live and in a rebuild, so every write is a
// function of rows that either side may create and that end the same whatever the interleaving:
//   - one row per lead (keyed by lead id) holding the lead's facts (from its own stream) and, per
//     opportunity converted from it, that deal's facts (from the deal's stream), opportunities sorted by id;
//   - the cohort cells are sums of each lead row's contribution (nothing until the lead is captured), moved
//     by (contribution after − contribution before) on every change of the row, and deleted at zero.
// A cell therefore always equals the sum over the current rows, which does not depend on the order.

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analytics/revenue/definitions.h"
#include "analytics/revenue/internal.h"
#include "analytics/revenue/revenue.h"
#include "base/key_codec.h"
#include "domain/support.h"
#include "eventstore/read_model_scan.h"
#include "sfa/lead/v1/lead_events.pb.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics::revenue {
namespace {

namespace lv1 = ::sfa::lead::v1;
namespace ov1 = ::sfa::opportunity::v1;
using eventstore::ReadModelTxn;
using sfa::common::v1::EventEnvelope;

constexpr char kCellsCf[] = "rm_an_lead_source";               // t|day|channel|campaign -> Cell
constexpr char kAccountsCf[] = "rm_an_lead_source_account";    // t|day|channel|campaign|account -> won deals
constexpr char kLeadsCf[] = "rm_an_lead_source_lead";          // t|lead -> LeadRow
constexpr char kCapturedCf[] = "rm_an_lead_source_captured";   // t|capture micros|lead -> ""
constexpr char kOppsCf[] = "rm_an_lead_source_opp";            // t|opportunity -> lead id
constexpr char kCampaignsCf[] = "rm_an_lead_source_campaign";  // t|campaign -> CampaignRow
constexpr char kCostsCf[] = "rm_an_lead_source_cost";          // t|campaign|micros|version -> currency, amount

constexpr int64_t kMicrosPerDay = 86'400'000'000;
// Five calendar years, leap days included.
constexpr int64_t kMaxPeriodDays = 5 * 365 + 2;

// A deal converted from the lead, as its own stream left it.
struct Opp {
  std::string id;
  std::string account_id;
  bool won = false;
  std::string currency;  // of the won amount; empty unless won
  int64_t amount = 0;
};

struct LeadRow {
  bool captured = false;
  int64_t captured_micros = 0;
  std::string channel;
  std::string campaign_id;
  bool qualified = false;
  bool converted = false;
  std::vector<Opp> opps;  // sorted by id

  std::string Encode() const {
    base::KeyBuilder b;
    b.Uint64(captured ? 1 : 0).Int64(captured_micros).String(channel).String(campaign_id);
    b.Uint64((qualified ? 1 : 0) | (converted ? 2 : 0)).Uint64(opps.size());
    for (const Opp& o : opps)
      b.String(o.id).String(o.account_id).Uint64(o.won ? 1 : 0).String(o.currency).Int64(o.amount);
    return b.Release();
  }
  static absl::StatusOr<LeadRow> Decode(absl::string_view bytes) {
    ValueReader r(bytes);
    LeadRow row;
    row.captured = r.Uint64() != 0;
    row.captured_micros = r.Int64();
    row.channel = r.String();
    row.campaign_id = r.String();
    const uint64_t flags = r.Uint64();
    row.qualified = (flags & 1) != 0;
    row.converted = (flags & 2) != 0;
    const uint64_t n = r.Uint64();
    for (uint64_t i = 0; i < n && r.ok_so_far(); ++i) {
      Opp o;
      o.id = r.String();
      o.account_id = r.String();
      o.won = r.Uint64() != 0;
      o.currency = r.String();
      o.amount = r.Int64();
      row.opps.push_back(std::move(o));
    }
    if (!r.ok()) return absl::DataLossError("unreadable lead_source lead row");
    return row;
  }
  Opp& OppFor(const std::string& id) {
    auto it =
        std::lower_bound(opps.begin(), opps.end(), id, [](const Opp& o, const std::string& k) { return o.id < k; });
    if (it == opps.end() || it->id != id) {
      Opp o;
      o.id = id;
      it = opps.insert(it, std::move(o));
    }
    return *it;
  }
};

// The cohort figures of a cell: leads captured, how far they went, what their deals won.
struct Cell {
  int64_t leads = 0;
  int64_t qualified = 0;
  int64_t converted = 0;
  int64_t opportunities = 0;
  std::map<std::string, int64_t> won;  // currency -> minor units, no zero entries

  void Add(const Cell& o, int sign) {
    leads += sign * o.leads;
    qualified += sign * o.qualified;
    converted += sign * o.converted;
    opportunities += sign * o.opportunities;
    for (const auto& [currency, amount] : o.won) {
      int64_t& sum = won[currency];
      sum += sign * amount;
      if (sum == 0) won.erase(currency);
    }
  }
  bool Zero() const { return leads == 0 && qualified == 0 && converted == 0 && opportunities == 0 && won.empty(); }
  std::string Encode() const {
    base::KeyBuilder b;
    b.Int64(leads).Int64(qualified).Int64(converted).Int64(opportunities).Uint64(won.size());
    for (const auto& [currency, amount] : won) b.String(currency).Int64(amount);
    return b.Release();
  }
  static absl::StatusOr<Cell> Decode(absl::string_view bytes) {
    ValueReader r(bytes);
    Cell c;
    c.leads = r.Int64();
    c.qualified = r.Int64();
    c.converted = r.Int64();
    c.opportunities = r.Int64();
    const uint64_t n = r.Uint64();
    for (uint64_t i = 0; i < n && r.ok_so_far(); ++i) {
      std::string currency = r.String();
      c.won[currency] = r.Int64();
    }
    if (!r.ok()) return absl::DataLossError("unreadable lead_source cell");
    return c;
  }
};

// What one lead adds to its cohort cell: nothing until it is captured.
struct Contribution {
  int64_t day = 0;
  std::string channel;
  std::string campaign_id;
  Cell cell;
  std::vector<std::string> accounts;  // one per won deal

  bool operator==(const Contribution& o) const {
    return day == o.day && channel == o.channel && campaign_id == o.campaign_id && cell.Encode() == o.cell.Encode() &&
           accounts == o.accounts;
  }
};

std::optional<Contribution> ContributionOf(const LeadRow& row) {
  if (!row.captured) return std::nullopt;
  Contribution c;
  c.day = DayOf(absl::FromUnixMicros(row.captured_micros));
  c.channel = row.channel;
  c.campaign_id = row.campaign_id;
  c.cell.leads = 1;
  c.cell.qualified = row.qualified ? 1 : 0;
  c.cell.converted = row.converted ? 1 : 0;
  c.cell.opportunities = static_cast<int64_t>(row.opps.size());
  for (const Opp& o : row.opps) {
    if (!o.won) continue;
    if (!o.currency.empty() && o.amount != 0) {
      Cell won;
      won.won[o.currency] = o.amount;
      c.cell.Add(won, +1);
    }
    if (!o.account_id.empty()) c.accounts.push_back(o.account_id);
  }
  return c;
}

std::string CellKey(absl::string_view tenant, int64_t day, absl::string_view channel, absl::string_view campaign) {
  return base::KeyBuilder().String(tenant).Int64(day).String(channel).String(campaign).Release();
}

absl::Status AddContribution(ReadModelTxn& txn, absl::string_view tenant, const Contribution& c, int sign) {
  const std::string key = CellKey(tenant, c.day, c.channel, c.campaign_id);
  absl::StatusOr<std::optional<std::string>> bytes = txn.Get(kCellsCf, key);
  if (!bytes.ok()) return bytes.status();
  Cell cell;
  if (bytes->has_value()) {
    absl::StatusOr<Cell> parsed = Cell::Decode(**bytes);
    if (!parsed.ok()) return parsed.status();
    cell = *std::move(parsed);
  }
  cell.Add(c.cell, sign);
  SFA_RETURN_IF_ERROR(cell.Zero() ? txn.Delete(kCellsCf, key) : txn.Put(kCellsCf, key, cell.Encode()));
  for (const std::string& account : c.accounts) {
    const std::string account_key = base::KeyBuilder(key).String(account).Release();
    absl::StatusOr<std::optional<std::string>> old = txn.Get(kAccountsCf, account_key);
    if (!old.ok()) return old.status();
    int64_t deals = 0;
    if (old->has_value()) {
      ValueReader r(**old);
      deals = r.Int64();
      if (!r.ok()) return absl::DataLossError("unreadable lead_source account count");
    }
    deals += sign;
    SFA_RETURN_IF_ERROR(deals == 0 ? txn.Delete(kAccountsCf, account_key)
                                   : txn.Put(kAccountsCf, account_key, base::KeyBuilder().Int64(deals).Release()));
  }
  return absl::OkStatus();
}

// Changes one lead's row and moves its contribution from the cell it was in to the cell it is in now.
template <typename Change>
absl::Status UpdateLead(ReadModelTxn& txn, const std::string& tenant, const std::string& lead_id, Change change) {
  const std::string key = base::KeyBuilder().String(tenant).String(lead_id).Release();
  absl::StatusOr<std::optional<std::string>> bytes = txn.Get(kLeadsCf, key);
  if (!bytes.ok()) return bytes.status();
  LeadRow row;
  if (bytes->has_value()) {
    absl::StatusOr<LeadRow> parsed = LeadRow::Decode(**bytes);
    if (!parsed.ok()) return parsed.status();
    row = *std::move(parsed);
  }
  const std::optional<Contribution> before = ContributionOf(row);
  change(row);
  const std::optional<Contribution> after = ContributionOf(row);
  if (before != after) {
    if (before) SFA_RETURN_IF_ERROR(AddContribution(txn, tenant, *before, -1));
    if (after) SFA_RETURN_IF_ERROR(AddContribution(txn, tenant, *after, +1));
  }
  return txn.Put(kLeadsCf, key, row.Encode());
}

// A campaign as its stream left it: channel, run, and the cost recorded so far per currency.
struct CampaignRow {
  std::string channel;
  std::optional<int64_t> start_micros;
  std::optional<int64_t> end_micros;
  std::map<std::string, int64_t> cost;

  std::string Encode() const {
    base::KeyBuilder b;
    b.String(channel).Uint64(start_micros ? 1 : 0).Int64(start_micros.value_or(0));
    b.Uint64(end_micros ? 1 : 0).Int64(end_micros.value_or(0)).Uint64(cost.size());
    for (const auto& [currency, amount] : cost) b.String(currency).Int64(amount);
    return b.Release();
  }
  static absl::StatusOr<CampaignRow> Decode(absl::string_view bytes) {
    ValueReader r(bytes);
    CampaignRow row;
    row.channel = r.String();
    const bool has_start = r.Uint64() != 0;
    const int64_t start = r.Int64();
    const bool has_end = r.Uint64() != 0;
    const int64_t end = r.Int64();
    if (has_start) row.start_micros = start;
    if (has_end) row.end_micros = end;
    const uint64_t n = r.Uint64();
    for (uint64_t i = 0; i < n && r.ok_so_far(); ++i) {
      std::string currency = r.String();
      row.cost[currency] = r.Int64();
    }
    if (!r.ok()) return absl::DataLossError("unreadable lead_source campaign row");
    return row;
  }
  bool HasRun() const { return start_micros.has_value() && end_micros.has_value(); }
};

template <typename Change>
absl::Status UpdateCampaign(ReadModelTxn& txn, const std::string& tenant, const std::string& campaign_id,
                            Change change) {
  const std::string key = base::KeyBuilder().String(tenant).String(campaign_id).Release();
  absl::StatusOr<std::optional<std::string>> bytes = txn.Get(kCampaignsCf, key);
  if (!bytes.ok()) return bytes.status();
  CampaignRow row;
  if (bytes->has_value()) {
    absl::StatusOr<CampaignRow> parsed = CampaignRow::Decode(**bytes);
    if (!parsed.ok()) return parsed.status();
    row = *std::move(parsed);
  }
  change(row);
  return txn.Put(kCampaignsCf, key, row.Encode());
}

absl::Status ApplyLead(const EventEnvelope& event, ReadModelTxn& txn) {
  const std::string& t = event.tenant();
  if (Is<lv1::LeadCaptured>(event)) {
    absl::StatusOr<lv1::LeadCaptured> e = Parse<lv1::LeadCaptured>(event);
    if (!e.ok()) return e.status();
    const int64_t micros = MicrosOf(event.occurred_at());
    SFA_RETURN_IF_ERROR(
        txn.Put(kCapturedCf, base::KeyBuilder().String(t).Int64(micros).String(e->lead_id()).Release(), ""));
    return UpdateLead(txn, t, e->lead_id(), [&](LeadRow& row) {
      row.captured = true;
      row.captured_micros = micros;
      row.channel = e->source().channel();
      row.campaign_id = e->source().campaign_id();
    });
  }
  if (Is<lv1::LeadQualified>(event)) {
    absl::StatusOr<lv1::LeadQualified> e = Parse<lv1::LeadQualified>(event);
    if (!e.ok()) return e.status();
    return UpdateLead(txn, t, e->lead_id(), [](LeadRow& row) { row.qualified = true; });
  }
  if (Is<lv1::LeadConverted>(event)) {
    absl::StatusOr<lv1::LeadConverted> e = Parse<lv1::LeadConverted>(event);
    if (!e.ok()) return e.status();
    // Only a qualified lead converts; an imported history without the qualification still counts as one.
    return UpdateLead(txn, t, e->lead_id(), [](LeadRow& row) { row.qualified = row.converted = true; });
  }
  if (Is<lv1::CampaignUpserted>(event)) {
    absl::StatusOr<lv1::CampaignUpserted> e = Parse<lv1::CampaignUpserted>(event);
    if (!e.ok()) return e.status();
    return UpdateCampaign(txn, t, e->campaign_id(), [&](CampaignRow& row) {
      row.channel = e->channel();
      row.start_micros = e->has_start_time() ? std::optional<int64_t>(MicrosOf(e->start_time())) : std::nullopt;
      row.end_micros = e->has_end_time() ? std::optional<int64_t>(MicrosOf(e->end_time())) : std::nullopt;
    });
  }
  if (Is<lv1::CampaignCostRecorded>(event)) {
    absl::StatusOr<lv1::CampaignCostRecorded> e = Parse<lv1::CampaignCostRecorded>(event);
    if (!e.ok()) return e.status();
    const std::string key = base::KeyBuilder()
                                .String(t)
                                .String(e->campaign_id())
                                .Int64(MicrosOf(event.occurred_at()))
                                .Uint64(event.aggregate_version())
                                .Release();
    SFA_RETURN_IF_ERROR(txn.Put(
        kCostsCf, key, base::KeyBuilder().String(e->amount().currency()).Int64(e->amount().minor_units()).Release()));
    return UpdateCampaign(txn, t, e->campaign_id(),
                          [&](CampaignRow& row) { row.cost[e->amount().currency()] += e->amount().minor_units(); });
  }
  return absl::OkStatus();
}

// The lead an opportunity event concerns: named by the event, or remembered from OpportunityCreated.
absl::StatusOr<std::string> LeadOf(ReadModelTxn& txn, const EventEnvelope& event, const std::string& named) {
  if (!named.empty()) return named;
  absl::StatusOr<std::optional<std::string>> lead =
      txn.Get(kOppsCf, base::KeyBuilder().String(event.tenant()).String(event.aggregate_id()).Release());
  if (!lead.ok()) return lead.status();
  return lead->value_or("");
}

absl::Status ApplyOpportunity(const EventEnvelope& event, ReadModelTxn& txn) {
  const std::string& t = event.tenant();
  const std::string& opp = event.aggregate_id();
  if (Is<ov1::OpportunityCreated>(event)) {
    absl::StatusOr<ov1::OpportunityCreated> e = Parse<ov1::OpportunityCreated>(event);
    if (!e.ok()) return e.status();
    if (e->lead_id().empty()) return absl::OkStatus();  // created directly: in no lead's cohort
    SFA_RETURN_IF_ERROR(txn.Put(kOppsCf, base::KeyBuilder().String(t).String(opp).Release(), e->lead_id()));
    return UpdateLead(txn, t, e->lead_id(), [&](LeadRow& row) { row.OppFor(opp).account_id = e->account_id(); });
  }
  if (Is<ov1::OpportunityWon>(event)) {
    absl::StatusOr<ov1::OpportunityWon> e = Parse<ov1::OpportunityWon>(event);
    if (!e.ok()) return e.status();
    absl::StatusOr<std::string> lead = LeadOf(txn, event, e->lead_id());
    if (!lead.ok() || lead->empty()) return lead.status();
    return UpdateLead(txn, t, *lead, [&](LeadRow& row) {
      Opp& o = row.OppFor(opp);
      o.account_id = e->account_id();
      o.won = true;
      o.currency = e->amount().currency();
      o.amount = e->amount().minor_units();
    });
  }
  if (Is<ov1::OpportunityReopened>(event)) {
    absl::StatusOr<std::string> lead = LeadOf(txn, event, "");
    if (!lead.ok() || lead->empty()) return lead.status();
    return UpdateLead(txn, t, *lead, [&](LeadRow& row) {
      Opp& o = row.OppFor(opp);
      o.won = false;
      o.currency.clear();
      o.amount = 0;
    });
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------------
// The report

// One line's figures before they are turned into a LeadSourceLine.
struct Line {
  Cell cell;
  std::set<std::string> accounts;       // distinct accounts with a won deal
  std::map<std::string, int64_t> cost;  // currency -> minor units

  void Merge(const Line& o) {
    cell.Add(o.cell, +1);
    accounts.insert(o.accounts.begin(), o.accounts.end());
    for (const auto& [currency, amount] : o.cost) cost[currency] += amount;
  }
  bool Empty() const {
    return cell.Zero() && accounts.empty() &&
           std::all_of(cost.begin(), cost.end(), [](const auto& c) { return c.second == 0; });
  }
};

using LineKey = std::pair<std::string, std::string>;  // (channel as captured, campaign id)

sfa::common::v1::Money MoneyOf(const std::string& currency, int64_t minor_units) {
  sfa::common::v1::Money m;
  m.set_currency(currency);
  m.set_minor_units(minor_units);
  return m;
}

void Fill(const std::string& channel, const std::string& campaign_id, const Line& line, v1::LeadSourceLine* out) {
  out->set_channel(channel);
  out->set_campaign_id(campaign_id);
  out->set_leads(line.cell.leads);
  out->set_qualified(line.cell.qualified);
  out->set_converted(line.cell.converted);
  out->set_opportunities(line.cell.opportunities);
  for (const auto& [currency, amount] : line.cell.won) *out->add_won_amount() = MoneyOf(currency, amount);
  std::map<std::string, int64_t> cost;
  for (const auto& [currency, amount] : line.cost) {
    if (amount > 0) cost[currency] = amount;
  }
  const int64_t customers = static_cast<int64_t>(line.accounts.size());
  out->set_customers(customers);
  for (const auto& [currency, amount] : cost) {
    *out->add_cost() = MoneyOf(currency, amount);
    if (line.cell.leads > 0) *out->add_cost_per_lead() = MoneyOf(currency, PerUnit(amount, line.cell.leads));
    if (customers > 0) *out->add_cost_per_customer() = MoneyOf(currency, PerUnit(amount, customers));
  }
  if (std::optional<double> roi = Roi(line.cell.won, cost)) out->set_roi(*roi);
}

// Adds the cells and won accounts of the whole days [first, last) to `lines`.
absl::Status AddDays(const eventstore::EventStore& store, const std::string& tenant, int64_t first, int64_t last,
                     std::map<LineKey, Line>& lines) {
  const std::string prefix = base::KeyBuilder().String(tenant).Release();
  const eventstore::KeyRange range{base::KeyBuilder(prefix).Int64(first).Release(),
                                   base::KeyBuilder(prefix).Int64(last).Release()};
  absl::Status failure;
  SFA_RETURN_IF_ERROR(
      eventstore::ScanRange(store, kCellsCf, range, SIZE_MAX, [&](absl::string_view key, absl::string_view value) {
        ValueReader k(key.substr(prefix.size()));
        k.Int64();
        std::string channel = k.String();
        std::string campaign = k.String();
        absl::StatusOr<Cell> cell = Cell::Decode(value);
        if (!k.ok() || !cell.ok()) {
          failure = absl::DataLossError("unreadable lead_source cell");
          return false;
        }
        lines[{channel, campaign}].cell.Add(*cell, +1);
        return true;
      }));
  SFA_RETURN_IF_ERROR(failure);
  SFA_RETURN_IF_ERROR(
      eventstore::ScanRange(store, kAccountsCf, range, SIZE_MAX, [&](absl::string_view key, absl::string_view) {
        ValueReader k(key.substr(prefix.size()));
        k.Int64();
        std::string channel = k.String();
        std::string campaign = k.String();
        std::string account = k.String();
        if (!k.ok()) {
          failure = absl::DataLossError("unreadable lead_source account key");
          return false;
        }
        lines[{channel, campaign}].accounts.insert(std::move(account));
        return true;
      }));
  return failure;
}

// Adds the leads captured in [from, to) (micros) one by one: the partial days at the period's ends.
absl::Status AddLeads(const eventstore::EventStore& store, const std::string& tenant, int64_t from, int64_t to,
                      std::map<LineKey, Line>& lines) {
  if (from >= to) return absl::OkStatus();
  const std::string prefix = base::KeyBuilder().String(tenant).Release();
  std::vector<std::string> lead_ids;
  absl::Status failure;
  SFA_RETURN_IF_ERROR(eventstore::ScanRange(
      store, kCapturedCf,
      {base::KeyBuilder(prefix).Int64(from).Release(), base::KeyBuilder(prefix).Int64(to).Release()}, SIZE_MAX,
      [&](absl::string_view key, absl::string_view) {
        ValueReader k(key.substr(prefix.size()));
        k.Int64();
        std::string lead = k.String();
        if (!k.ok()) {
          failure = absl::DataLossError("unreadable lead_source capture key");
          return false;
        }
        lead_ids.push_back(std::move(lead));
        return true;
      }));
  SFA_RETURN_IF_ERROR(failure);
  for (const std::string& lead : lead_ids) {
    absl::StatusOr<std::optional<std::string>> bytes =
        eventstore::GetValue(store, kLeadsCf, base::KeyBuilder(prefix).String(lead).Release());
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) return absl::DataLossError(absl::StrCat("lead_source: lead ", lead, " has no row"));
    absl::StatusOr<LeadRow> row = LeadRow::Decode(**bytes);
    if (!row.ok()) return row.status();
    const std::optional<Contribution> c = ContributionOf(*row);
    if (!c) continue;
    Line& line = lines[{c->channel, c->campaign_id}];
    line.cell.Add(c->cell, +1);
    line.accounts.insert(c->accounts.begin(), c->accounts.end());
  }
  return absl::OkStatus();
}

// Every campaign of the tenant with the cost it spent in [from, to).
struct CampaignCost {
  std::string channel;
  std::map<std::string, int64_t> cost;
};

absl::StatusOr<std::map<std::string, CampaignCost>> Campaigns(const eventstore::EventStore& store,
                                                              const std::string& tenant, absl::Time from,
                                                              absl::Time to) {
  const std::string prefix = base::KeyBuilder().String(tenant).Release();
  std::map<std::string, CampaignCost> out;
  SFA_RETURN_IF_ERROR(eventstore::ForEachInPrefix(
      store, kCampaignsCf, prefix, [&](absl::string_view key, absl::string_view value) -> absl::Status {
        ValueReader k(key.substr(prefix.size()));
        std::string id = k.String();
        absl::StatusOr<CampaignRow> row = CampaignRow::Decode(value);
        if (!k.ok() || !row.ok()) return absl::DataLossError("unreadable lead_source campaign");
        CampaignCost& c = out[id];
        c.channel = row->channel;
        if (row->HasRun()) {
          for (const auto& [currency, total] : row->cost) {
            c.cost[currency] += CostInPeriod(total, absl::FromUnixMicros(*row->start_micros),
                                             absl::FromUnixMicros(*row->end_micros), from, to);
          }
          return absl::OkStatus();
        }
        // No run: each cost counts at its recorded business time.
        const std::string costs = base::KeyBuilder(prefix).String(id).Release();
        absl::Status failure;
        SFA_RETURN_IF_ERROR(eventstore::ScanRange(store, kCostsCf,
                                                  {base::KeyBuilder(costs).Int64(absl::ToUnixMicros(from)).Release(),
                                                   base::KeyBuilder(costs).Int64(absl::ToUnixMicros(to)).Release()},
                                                  SIZE_MAX, [&](absl::string_view, absl::string_view v) {
                                                    ValueReader r(v);
                                                    std::string currency = r.String();
                                                    const int64_t amount = r.Int64();
                                                    if (!r.ok()) {
                                                      failure = absl::DataLossError("unreadable lead_source cost");
                                                      return false;
                                                    }
                                                    c.cost[currency] += amount;
                                                    return true;
                                                  }));
        return failure;
      }));
  return out;
}

}  // namespace

std::vector<std::string> LeadSourceProjection::column_families() const {
  return {kCellsCf, kAccountsCf, kLeadsCf, kCapturedCf, kOppsCf, kCampaignsCf, kCostsCf};
}

absl::Status LeadSourceProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  if (event.aggregate_type() == "lead" || event.aggregate_type() == "campaign") return ApplyLead(event, txn);
  if (event.aggregate_type() == "opportunity") return ApplyOpportunity(event, txn);
  return absl::OkStatus();
}

absl::Status Validate(const v1::GetLeadSourceReportRequest& r) {
  if (!r.has_period()) return absl::InvalidArgumentError("period is required");
  if (!r.period().has_start()) return absl::InvalidArgumentError("period.start is required");
  if (!r.period().has_end()) return absl::InvalidArgumentError("period.end is required");
  SFA_RETURN_IF_ERROR(CheckTimestamp(r.period().start(), "period.start"));
  SFA_RETURN_IF_ERROR(CheckTimestamp(r.period().end(), "period.end"));
  const absl::Time start = TimeOf(r.period().start()), end = TimeOf(r.period().end());
  if (start >= end) return absl::InvalidArgumentError("period.start must be before period.end");
  if (end - start > absl::Hours(24 * kMaxPeriodDays)) {
    return absl::InvalidArgumentError(
        absl::StrCat("period may span at most ", kMaxPeriodDays, " days (5 years); ask for several periods"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::GetLeadSourceReportResponse> LeadSourceReport(const eventstore::EventStore& store,
                                                                 const std::string& tenant,
                                                                 const v1::GetLeadSourceReportRequest& r, absl::Time) {
  const absl::Time from = TimeOf(r.period().start()), to = TimeOf(r.period().end());
  const int64_t from_micros = absl::ToUnixMicros(from), to_micros = absl::ToUnixMicros(to);
  // Whole days [first, last) from the day cells; the partial days at either end lead by lead.
  const int64_t first = DayOf(from) + (from_micros % kMicrosPerDay == 0 ? 0 : 1);
  const int64_t last = DayOf(to);
  std::map<LineKey, Line> captured;
  if (first < last) {
    SFA_RETURN_IF_ERROR(AddDays(store, tenant, first, last, captured));
    SFA_RETURN_IF_ERROR(AddLeads(store, tenant, from_micros, first * kMicrosPerDay, captured));
    SFA_RETURN_IF_ERROR(AddLeads(store, tenant, last * kMicrosPerDay, to_micros, captured));
  } else {
    SFA_RETURN_IF_ERROR(AddLeads(store, tenant, from_micros, to_micros, captured));
  }
  absl::StatusOr<std::map<std::string, CampaignCost>> campaigns = Campaigns(store, tenant, from, to);
  if (!campaigns.ok()) return campaigns.status();

  // A campaign's leads and cost belong to the campaign's channel; a lead without a campaign (or naming one
  // never heard of) to the channel it was captured with.
  std::map<std::string, std::map<std::string, Line>> channels;  // channel -> campaign ("" = none) -> line
  for (auto& [key, line] : captured) {
    const auto& [channel, campaign] = key;
    auto it = campaign.empty() ? campaigns->end() : campaigns->find(campaign);
    channels[it == campaigns->end() ? channel : it->second.channel][campaign].Merge(line);
  }
  for (const auto& [id, c] : *campaigns) {
    Line cost;
    cost.cost = c.cost;
    if (!cost.Empty()) channels[c.channel][id].Merge(cost);
  }
  v1::GetLeadSourceReportResponse out;
  for (const auto& [channel, lines] : channels) {
    Line total;
    for (const auto& [campaign, line] : lines) total.Merge(line);
    if (total.Empty()) continue;
    Fill(channel, "", total, out.add_lines());
    for (const auto& [campaign, line] : lines) {
      if (!campaign.empty() && !line.Empty()) Fill(channel, campaign, line, out.add_lines());
    }
  }
  return out;
}

}  // namespace sfa::analytics::revenue
