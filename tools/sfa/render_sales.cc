// Renderers for the lead and opportunity services: leads, accounts, opportunities, pipeline definitions.

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/sfa/money.h"
#include "tools/sfa/render.h"
#include "tools/sfa/table.h"
#include "tools/sfa/values.h"

namespace sfa::tools::cli {
namespace {

namespace lv1 = ::sfa::lead::v1;
namespace ov1 = ::sfa::opportunity::v1;

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }
std::string Num(int64_t n) { return absl::StrCat(n); }

std::string JoinNonEmpty(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    absl::StrAppend(&out, out.empty() ? "" : ", ", p);
  }
  return out;
}

std::string Days(const google::protobuf::Duration& d) {
  return absl::StrFormat("%.1f", google::protobuf::util::TimeUtil::DurationToSeconds(d) / 86400.0);
}

// A time for a details line: empty (no line) when unset.
std::string When(bool has, const google::protobuf::Timestamp& t) { return has ? FormatTime(t) : ""; }

std::string MoneyOrDash(bool has, const common::v1::Money& m) { return has ? FormatMoney(m) : "-"; }

std::string Probability(const lv1::LeadScores& s) {
  return s.has_predictive_probability() ? FormatRatio(s.predictive_probability()) : "-";
}

// "Globex (globex)" or the id alone.
std::string Named(const std::string& name, const std::string& id) {
  if (name.empty()) return id;
  return absl::StrCat(name, " (", id, ")");
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Leads

std::string RenderLead(const lv1::Lead& lead) {
  Details d;
  d.Add("lead", lead.lead_id());
  d.Add("status", Label(lead.status()));
  d.Add("name", lead.person().name());
  d.Add("email", lead.person().email());
  d.Add("phone", lead.person().phone());
  d.Add("company", lead.company().name());
  d.Add("industry", lead.company().industry());
  d.Add("employees", lead.company().employees() > 0 ? Num(lead.company().employees()) : "");
  d.Add("location", JoinNonEmpty({lead.company().city(), lead.company().country()}));
  d.Add("channel", lead.source().channel());
  d.Add("origin", lead.source().origin());
  d.Add("campaign", lead.source().campaign_id());
  d.Add("owner", lead.owner_user_id());
  d.Add("team", lead.team_id());
  if (!lead.duplicate_of().empty()) {
    d.Add("duplicate of", absl::StrCat(lead.duplicate_of(), " (", Label(lead.duplicate_match()), ")"));
  }
  d.Add("merged into", lead.merged_into_lead_id());
  d.Add("merged", absl::StrJoin(lead.merged_lead_ids(), ", "));
  d.Add("disqualified", lead.disqualification_reason());
  d.Add("account", lead.account_id());
  d.Add("contact", lead.contact_id());
  d.Add("opportunity", lead.opportunity_id());
  const lv1::LeadScores& s = lead.scores();
  d.Add("score", absl::StrFormat("fit %d, behaviour %.1f, P(convert) %s", s.fit(), s.behaviour(), Probability(s)));
  d.Add("version", Num(lead.version()));
  d.Add("created", When(lead.has_created_at(), lead.created_at()));
  d.Add("updated", When(lead.has_updated_at(), lead.updated_at()));
  std::string out = d.Render();

  Table rules({{"FIT RULE"}, {"DESCRIPTION"}, {"POINTS", Align::kRight}});
  for (const lv1::FitRuleResult& r : s.fit_rules()) {
    if (r.matched()) rules.AddRow({r.rule_id(), r.description(), Num(r.points())});
  }
  if (rules.rows() > 0) absl::StrAppend(&out, "\n", rules.Render());
  Table factors({{"PREDICTIVE FACTOR"}, {"LOG-ODDS", Align::kRight}});
  for (const lv1::PredictiveFactor& f : s.predictive_factors()) {
    factors.AddRow({f.feature(), absl::StrFormat("%+.3f", f.contribution())});
  }
  if (factors.rows() > 0) absl::StrAppend(&out, "\n", factors.Render());
  return out;
}

std::string RenderCapturedLead(const lv1::CaptureLeadResponse& response) {
  std::string out = RenderLead(response.lead());
  if (!response.duplicate_of().empty()) {
    absl::StrAppend(&out, "\nnote: possible duplicate of ", response.duplicate_of(), " (matched on ",
                    Label(response.duplicate_match()), ")\n");
  }
  return out;
}

std::string RenderLeads(const lv1::ListLeadsResponse& response) {
  Table t({{"LEAD"},
           {"STATUS"},
           {"NAME"},
           {"COMPANY"},
           {"CHANNEL"},
           {"OWNER"},
           {"FIT", Align::kRight},
           {"BEHAVIOUR", Align::kRight},
           {"P(CONVERT)", Align::kRight},
           {"CREATED"}});
  for (const lv1::Lead& l : response.leads()) {
    t.AddRow({l.lead_id(), Label(l.status()), OrDash(l.person().name()), OrDash(l.company().name()),
              OrDash(l.source().channel()), OrDash(l.owner_user_id()), Num(l.scores().fit()),
              absl::StrFormat("%.1f", l.scores().behaviour()), Probability(l.scores()), FormatDate(l.created_at())});
  }
  return t.Render() + ListFooter(response.leads_size(), "lead", "leads", response.next_page_token());
}

// ---------------------------------------------------------------------------------------------------
// Accounts

namespace {

void AddAccount(Details& d, const ov1::Account& a) {
  d.Add("account", a.account_id());
  d.Add("name", a.name());
  d.Add("parent", a.parent_account_id());
  d.Add("industry", a.industry());
  d.Add("employees", a.employees() > 0 ? Num(a.employees()) : "");
  d.Add("annual revenue", a.has_annual_revenue() ? FormatMoney(a.annual_revenue()) : "");
  d.Add("region", a.region());
  d.Add("owner", a.owner_user_id());
  d.Add("lead", a.lead_id());
  d.Add("version", Num(a.version()));
  d.Add("created", When(a.has_created_at(), a.created_at()));
  d.Add("updated", When(a.has_updated_at(), a.updated_at()));
}

}  // namespace

std::string RenderAccount(const ov1::Account& a) {
  Details d;
  AddAccount(d, a);
  return d.Render();
}

std::string RenderAccountView(const ov1::GetAccountResponse& r) {
  Details d;
  AddAccount(d, r.account());
  if (r.has_parent()) d.Add("parent account", Named(r.parent().name(), r.parent().account_id()));
  d.Add("subsidiaries", absl::StrJoin(r.children(), ", ", [](std::string* o, const ov1::AccountRef& c) {
          o->append(Named(c.name(), c.account_id()));
        }));
  d.Add("contacts", Num(r.contact_count()));
  d.Add("deals", absl::StrFormat("%d open, %d won, %d lost", r.open_count(), r.won_count(), r.lost_count()));
  d.Add("open pipeline", FormatMoneyList(r.open_amount()));
  d.Add("weighted", FormatMoneyList(r.weighted_open_amount()));
  d.Add("won", FormatMoneyList(r.won_amount()));
  d.Add("lost", FormatMoneyList(r.lost_amount()));
  d.Add("activities", Num(r.activity_count()));
  if (r.has_last_activity_at()) d.Add("last activity", FormatTime(r.last_activity_at()));
  std::string out = d.Render();
  if (r.open_opportunities_size() > 0) {
    Table t({{"OPEN OPPORTUNITY"}, {"NAME"}, {"STAGE"}, {"OWNER"}, {"AMOUNT", Align::kRight}, {"CLOSE"}});
    for (const ov1::OpportunitySummary& o : r.open_opportunities()) {
      t.AddRow({o.opportunity_id(), o.name(), o.stage_id(), OrDash(o.owner_user_id()),
                MoneyOrDash(o.has_amount(), o.amount()), FormatDate(o.expected_close_date())});
    }
    absl::StrAppend(&out, "\n", t.Render());
  }
  return out;
}

std::string RenderAccounts(const ov1::ListAccountsResponse& response) {
  Table t({{"ACCOUNT"},
           {"NAME"},
           {"INDUSTRY"},
           {"REGION"},
           {"EMPLOYEES", Align::kRight},
           {"ANNUAL REVENUE", Align::kRight},
           {"PARENT"},
           {"OWNER"}});
  for (const ov1::Account& a : response.accounts()) {
    t.AddRow({a.account_id(), a.name(), OrDash(a.industry()), OrDash(a.region()),
              a.employees() > 0 ? Num(a.employees()) : "-", MoneyOrDash(a.has_annual_revenue(), a.annual_revenue()),
              OrDash(a.parent_account_id()), OrDash(a.owner_user_id())});
  }
  return t.Render() + ListFooter(response.accounts_size(), "account", "accounts", response.next_page_token());
}

// ---------------------------------------------------------------------------------------------------
// Opportunities

std::string RenderOpportunity(const ov1::Opportunity& o) {
  Details d;
  d.Add("opportunity", o.opportunity_id());
  d.Add("name", o.name());
  d.Add("account", o.account_id());
  d.Add("pipeline", absl::StrCat(o.pipeline_id(), " v", o.pipeline_version()));
  d.Add("stage", Named(o.stage_name(), o.stage_id()));
  d.Add("status", Label(o.status()));
  d.Add("amount", MoneyOrDash(o.has_amount(), o.amount()));
  d.Add("probability", absl::StrCat(o.probability_percent(), "%"));
  d.Add("forecast", Label(o.forecast_category()));
  d.Add("expected close", o.has_expected_close_date() ? FormatDate(o.expected_close_date()) : "");
  d.Add("closed", o.has_closed_at() ? FormatTime(o.closed_at()) : "");
  d.Add("lost reason", o.lost_reason());
  d.Add("competitor", o.competitor());
  d.Add("owner", o.owner_user_id());
  d.Add("lead source", o.lead_source());
  d.Add("lead", o.lead_id());
  d.Add("version", Num(o.version()));
  d.Add("created", When(o.has_created_at(), o.created_at()));
  d.Add("updated", When(o.has_updated_at(), o.updated_at()));
  std::string out = d.Render();

  Table history({{"STAGE"}, {"NAME"}, {"ENTERED"}, {"LEFT"}, {"DAYS", Align::kRight}, {"BY"}});
  for (const ov1::StageVisit& v : o.stage_history()) {
    history.AddRow({v.stage_id(), v.stage_name(), FormatTime(v.entered_at()),
                    v.has_left_at() ? FormatTime(v.left_at()) : "(current)", Days(v.time_in_stage()),
                    Label(v.entered_by())});
  }
  if (history.rows() > 0) absl::StrAppend(&out, "\n", history.Render());
  if (o.completed_criteria_size() > 0) {
    Table criteria({{"CRITERION MET"}, {"STAGE"}, {"WHEN"}, {"NOTE"}});
    for (const ov1::CompletedCriterion& c : o.completed_criteria()) {
      criteria.AddRow({c.criterion_id(), c.stage_id(), FormatTime(c.completed_at()), c.note()});
    }
    absl::StrAppend(&out, "\n", criteria.Render());
  }
  return out;
}

std::string RenderOpportunities(const ov1::ListOpportunitiesResponse& response) {
  Table t({{"OPPORTUNITY"},
           {"NAME"},
           {"ACCOUNT"},
           {"OWNER"},
           {"STAGE"},
           {"STATUS"},
           {"AMOUNT", Align::kRight},
           {"PROB", Align::kRight},
           {"CLOSE"}});
  for (const ov1::OpportunitySummary& o : response.opportunities()) {
    const auto& close = o.has_closed_at() ? o.closed_at() : o.expected_close_date();
    t.AddRow({o.opportunity_id(), o.name(), OrDash(o.account_id()), OrDash(o.owner_user_id()), o.stage_id(),
              Label(o.status()), MoneyOrDash(o.has_amount(), o.amount()), absl::StrCat(o.probability_percent(), "%"),
              FormatDate(close)});
  }
  return t.Render() +
         ListFooter(response.opportunities_size(), "opportunity", "opportunities", response.next_page_token());
}

std::string RenderPipelineDefinitions(const ov1::ListPipelinesResponse& response) {
  std::string out;
  for (const ov1::Pipeline& p : response.pipelines()) {
    if (!out.empty()) out.push_back('\n');
    absl::StrAppend(&out, "pipeline ", Named(p.name(), p.pipeline_id()), " v", p.pipeline_version(), "\n");
    Table t({{"STAGE"}, {"NAME"}, {"TYPE"}, {"PROB", Align::kRight}, {"FORECAST"}, {"EXIT CRITERIA"}});
    for (const ov1::Stage& s : p.stages()) {
      std::string criteria = absl::StrJoin(s.exit_criteria(), ", ", [](std::string* o, const ov1::ExitCriterion& c) {
        absl::StrAppend(o, c.criterion_id(), c.required() ? "" : " (optional)");
      });
      t.AddRow({s.stage_id(), s.name(), Label(s.type()), absl::StrCat(s.probability_percent(), "%"),
                Label(s.forecast_category()), OrDash(criteria)});
    }
    absl::StrAppend(&out, t.Render());
  }
  return out + ListFooter(response.pipelines_size(), "pipeline", "pipelines", response.next_page_token());
}

}  // namespace sfa::tools::cli
