#ifndef SFA_TOOLS_SFA_RENDER_H_
#define SFA_TOOLS_SFA_RENDER_H_

// What each command prints without --json: one record as "label: value" lines plus its parts as tables,
// lists as aligned tables. Pure functions of the responses, so tests check them without a server.

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "sfa/analytics/v1/analytics_service.pb.h"
#include "sfa/lead/v1/lead_service.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"
#include "sfa/quote/v1/quote_service.pb.h"

namespace sfa::tools::cli {

// --json: protobuf's JSON mapping, proto field names, every field present, indented; ends with '\n'.
// Fails only for a malformed message (invalid UTF-8, a Timestamp out of range).
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);

// Leads.
std::string RenderLead(const lead::v1::Lead& lead);
std::string RenderCapturedLead(const lead::v1::CaptureLeadResponse& response);
std::string RenderLeads(const lead::v1::ListLeadsResponse& response);

// Accounts and opportunities.
std::string RenderAccount(const opportunity::v1::Account& account);
std::string RenderAccountView(const opportunity::v1::GetAccountResponse& response);
std::string RenderAccounts(const opportunity::v1::ListAccountsResponse& response);
std::string RenderOpportunity(const opportunity::v1::Opportunity& opportunity);
std::string RenderOpportunities(const opportunity::v1::ListOpportunitiesResponse& response);
std::string RenderPipelineDefinitions(const opportunity::v1::ListPipelinesResponse& response);

// Quotes and the catalogue.
std::string RenderPricing(const quote::v1::Pricing& pricing, const std::string& price_book_id);
std::string RenderQuote(const quote::v1::Quote& quote);
std::string RenderQuotes(const quote::v1::ListQuotesResponse& response);
std::string RenderProduct(const quote::v1::GetProductResponse& response);
std::string RenderProducts(const quote::v1::ListProductsResponse& response);
std::string RenderPriceBook(const quote::v1::PriceBook& book);
std::string RenderPriceBooks(const quote::v1::ListPriceBooksResponse& response);

// Analytics.
std::string RenderPipelineReport(const analytics::v1::GetPipelineResponse& response);
std::string RenderFunnel(const analytics::v1::GetFunnelResponse& response);
std::string RenderForecast(const analytics::v1::GetForecastResponse& response);
std::string RenderStageStatistics(const analytics::v1::GetStageStatisticsResponse& response);

// The footer of a list: "1 lead", "3 leads" or "20 leads; more with --page-token TOKEN".
std::string ListFooter(int count, const std::string& singular, const std::string& plural,
                       const std::string& next_page_token);

}  // namespace sfa::tools::cli

#endif  // SFA_TOOLS_SFA_RENDER_H_
