// sfa lead create | get | list: LeadService.CaptureLead, GetLead, ListLeads.

#include <memory>

#include "tools/sfa/command.h"
#include "tools/sfa/render.h"
#include "tools/sfa/values.h"

namespace sfa::tools::cli {
namespace {

namespace lv1 = ::sfa::lead::v1;

struct CreateFlags {
  std::string id, name, email, phone, company, industry, country, city, channel, origin, campaign, effective_time;
  int64_t employees = 0;
  std::vector<std::string> attributes;
};

int Create(Invocation& inv, const CreateFlags& f) {
  lv1::CaptureLeadRequest r;
  r.set_request_id(inv.client.request_id());
  r.set_lead_id(f.id);
  r.mutable_person()->set_name(f.name);
  r.mutable_person()->set_email(f.email);
  r.mutable_person()->set_phone(f.phone);
  r.mutable_company()->set_name(f.company);
  r.mutable_company()->set_industry(f.industry);
  r.mutable_company()->set_employees(f.employees);
  r.mutable_company()->set_country(f.country);
  r.mutable_company()->set_city(f.city);
  r.mutable_source()->set_channel(f.channel);
  r.mutable_source()->set_origin(f.origin);
  r.mutable_source()->set_campaign_id(f.campaign);
  for (const std::string& kv : f.attributes) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError(inv, absl::InvalidArgumentError(absl::StrCat("--attr \"", kv, "\": expected KEY=VALUE")));
    }
    (*r.mutable_attributes())[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  int code = 0;
  absl::Time when;
  if (!ParseIfGiven(
          inv, f.effective_time, [](const std::string& s) { return ParseTime(s, "--effective-time"); }, &when, &code)) {
    return code;
  }
  if (!f.effective_time.empty()) *r.mutable_effective_time() = ToTimestamp(when);
  return CallAndPrint(inv, Service::kLead, inv.client.lead(), &lv1::LeadService::Stub::CaptureLead, r,
                      [](const lv1::CaptureLeadResponse& resp) { return RenderCapturedLead(resp); });
}

struct ListLeadFlags {
  std::string status, owner, team, channel, campaign, order;
  std::optional<int64_t> min_score;
  ListFlags list;
};

int List(Invocation& inv, const ListLeadFlags& f) {
  lv1::ListLeadsRequest r;
  int code = 0;
  lv1::LeadStatus status = lv1::LEAD_STATUS_UNSPECIFIED;
  lv1::LeadOrder order = lv1::LEAD_ORDER_UNSPECIFIED;
  if (!ParseIfGiven(
          inv, f.status, [](const std::string& s) { return ParseEnumAs<lv1::LeadStatus>(s, "--status"); }, &status,
          &code) ||
      !ParseIfGiven(
          inv, f.order, [](const std::string& s) { return ParseEnumAs<lv1::LeadOrder>(s, "--order"); }, &order,
          &code)) {
    return code;
  }
  r.set_status(status);
  r.set_order(order);
  r.set_owner_user_id(f.owner);
  r.set_team_id(f.team);
  r.set_channel(f.channel);
  r.set_campaign_id(f.campaign);
  if (f.min_score.has_value()) r.set_min_score(*f.min_score);
  return ListAndPrint(inv, Service::kLead, inv.client.lead(), &lv1::LeadService::Stub::ListLeads, r, f.list,
                      [](const lv1::ListLeadsResponse& resp) { return RenderLeads(resp); });
}

}  // namespace

void AddLeadCommands(CLI::App& app, CommandSlot* slot) {
  CLI::App* lead = app.add_subcommand("lead", "Leads (lead service): capture, look up, list");
  lead->require_subcommand(1);

  auto create_flags = std::make_shared<CreateFlags>();
  CLI::App* create = lead->add_subcommand("create", "Capture a lead (LeadService.CaptureLead)");
  create->add_option("--id", create_flags->id, "Lead id; empty = the service generates one");
  create->add_option("--name", create_flags->name, "Person's name");
  create->add_option("--email", create_flags->email, "Person's e-mail (duplicate detection)");
  create->add_option("--phone", create_flags->phone, "Person's phone (duplicate detection)");
  create->add_option("--company", create_flags->company, "Company name");
  create->add_option("--industry", create_flags->industry, "Company industry");
  create->add_option("--employees", create_flags->employees, "Company employees");
  create->add_option("--country", create_flags->country, "Company country");
  create->add_option("--city", create_flags->city, "Company city");
  create->add_option("--channel", create_flags->channel, "Lead source channel, e.g. \"Organic Search\"");
  create->add_option("--origin", create_flags->origin, "How it entered, e.g. \"API\"");
  create->add_option("--campaign", create_flags->campaign, "An existing campaign id");
  create->add_option("--attr", create_flags->attributes, "KEY=VALUE attribute (repeatable)");
  create->add_option("--effective-time", create_flags->effective_time,
                     "Business time of the capture (date or RFC 3339)");
  OnRun(create, slot, Service::kLead, [create_flags](Invocation& inv) { return Create(inv, *create_flags); });

  auto id = std::make_shared<std::string>();
  CLI::App* get = lead->add_subcommand("get", "One lead with its scores and their explanation (LeadService.GetLead)");
  get->add_option("ID", *id, "Lead id")->required();
  OnRun(get, slot, Service::kLead, [id](Invocation& inv) {
    lv1::GetLeadRequest r;
    r.set_lead_id(*id);
    return CallAndPrint(inv, Service::kLead, inv.client.lead(), &lv1::LeadService::Stub::GetLead, r,
                        [](const lv1::GetLeadResponse& resp) { return RenderLead(resp.lead()); });
  });

  auto list_flags = std::make_shared<ListLeadFlags>();
  CLI::App* list = lead->add_subcommand("list", "Leads, newest or best-scored first (LeadService.ListLeads)");
  list->add_option("--status", list_flags->status,
                   "Only this status: " + EnumChoices(google::protobuf::GetEnumDescriptor<lv1::LeadStatus>()));
  list->add_option("--owner", list_flags->owner, "Only this owner (user id)");
  list->add_option("--team", list_flags->team, "Only this team");
  list->add_option("--channel", list_flags->channel, "Only this source channel");
  list->add_option("--campaign", list_flags->campaign, "Only this campaign");
  list->add_option("--min-score", list_flags->min_score, "Fit + behaviour at least this");
  list->add_option("--order", list_flags->order, "created (newest first, the default) or score");
  AddListFlags(list, &list_flags->list);
  OnRun(list, slot, Service::kLead, [list_flags](Invocation& inv) { return List(inv, *list_flags); });
}

}  // namespace sfa::tools::cli
