#include "tools/sfa/render.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"

namespace sfa::tools::cli {

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string out;
  google::protobuf::util::Status status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return absl::InternalError(absl::StrCat("cannot print the answer as JSON: ", status.ToString()));
  if (out.empty() || out.back() != '\n') out.push_back('\n');
  return out;
}

std::string ListFooter(int count, const std::string& singular, const std::string& plural,
                       const std::string& next_page_token) {
  std::string out = absl::StrCat(count, " ", count == 1 ? singular : plural);
  if (!next_page_token.empty()) absl::StrAppend(&out, "; more with --page-token ", next_page_token);
  return out + "\n";
}

}  // namespace sfa::tools::cli
