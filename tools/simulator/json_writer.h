#ifndef SFA_TOOLS_SIMULATOR_JSON_WRITER_H_
#define SFA_TOOLS_SIMULATOR_JSON_WRITER_H_

// A minimal streaming JSON writer for the simulator's reports: objects, arrays, strings, numbers, with
// the commas placed for the caller. Indented two spaces so the truth file reads well in a diff.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace sfa::tools::simulator {

class JsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // The key of the next value inside an object.
  JsonWriter& Key(absl::string_view key);
  void String(absl::string_view value);
  void Int(int64_t value);
  // Finite doubles with 17 significant digits at most; NaN and infinities become null.
  void Double(double value);
  void Bool(bool value);

  // The document; valid once every object and array is closed.
  const std::string& text() const { return out_; }

 private:
  void BeforeValue();
  void NewLine();
  void Close(char bracket);
  void Quote(absl::string_view value);

  std::string out_;
  // Per open container: whether it has an element yet.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace sfa::tools::simulator

#endif  // SFA_TOOLS_SIMULATOR_JSON_WRITER_H_
