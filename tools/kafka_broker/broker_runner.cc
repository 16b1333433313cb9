#include "tools/kafka_broker/broker_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/log.h"

namespace sfa::tools {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

sigset_t BrokerSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  return set;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ParseTopicList(absl::string_view list) {
  std::vector<std::string> topics;
  std::set<std::string> seen;
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    std::string topic(absl::StripAsciiWhitespace(item));
    if (topic.empty()) return absl::InvalidArgumentError("--topics: empty topic name in list");
    if (!seen.insert(topic).second) {
      return absl::InvalidArgumentError(absl::StrCat("--topics: \"", topic, "\" listed twice"));
    }
    topics.push_back(std::move(topic));
  }
  return topics;
}

absl::Status ValidateBrokerConfig(const BrokerConfig& config) {
  const EmbeddedKafkaOptions& k = config.kafka;
  if (k.brokers < 1 || k.brokers > kMaxBrokers) {
    return absl::InvalidArgumentError(absl::StrCat("--brokers must be in [1, ", kMaxBrokers, "], got ", k.brokers));
  }
  if (k.partitions < 1 || k.partitions > kMaxPartitions) {
    return absl::InvalidArgumentError(
        absl::StrCat("--partitions must be in [1, ", kMaxPartitions, "], got ", k.partitions));
  }
  if (k.topics.empty()) return absl::InvalidArgumentError("--topics must name at least one topic");
  for (const std::string& topic : k.topics) {
    if (!IsValidKafkaTopicName(topic)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--topics: \"", topic, "\" is not a valid Kafka topic name (1-249 of [a-zA-Z0-9._-])"));
    }
  }
  if (!config.bootstrap_file.empty() && config.bootstrap_file.back() == '/') {
    return absl::InvalidArgumentError("--bootstrap-file must name a file, not a directory");
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("creating", tmp);
  absl::string_view rest = contents;
  while (!rest.empty()) {
    ssize_t n = write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status s = ErrnoError("writing", tmp);
      close(fd);
      unlink(tmp.c_str());
      return s;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    absl::Status s = ErrnoError("syncing", tmp);
    unlink(tmp.c_str());
    return s;
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status s = ErrnoError("renaming to", path);
    unlink(tmp.c_str());
    return s;
  }
  return absl::OkStatus();
}

void BlockBrokerSignals() {
  sigset_t set = BrokerSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

absl::Status RunBroker(const BrokerConfig& config) {
  if (absl::Status s = ValidateBrokerConfig(config); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<EmbeddedKafka>> kafka = EmbeddedKafka::Start(config.kafka);
  if (!kafka.ok()) return kafka.status();
  const std::string& bootstrap = (*kafka)->bootstrap_servers();

  // Published only now, so whoever sees the file can use every topic at once.
  if (!config.bootstrap_file.empty()) {
    if (absl::Status s = WriteFileAtomically(config.bootstrap_file, absl::StrCat(bootstrap, "\n")); !s.ok()) {
      return s;
    }
  }
  base::LogInfo("kafka broker ready", {{"bootstrap", bootstrap},
                                       {"brokers", config.kafka.brokers},
                                       {"partitions", config.kafka.partitions},
                                       {"topics", absl::StrJoin(config.kafka.topics, ",")},
                                       {"bootstrap_file", config.bootstrap_file},
                                       {"pid", getpid()}});

  const sigset_t set = BrokerSignals();
  for (;;) {
    int sig = 0;
    if (int err = sigwait(&set, &sig); err != 0) {
      return absl::InternalError(absl::StrCat("sigwait: ", std::strerror(err)));
    }
    if (sig == SIGUSR1) {
      (*kafka)->SetAllBrokersDown();
      base::LogWarn("all brokers down (SIGUSR1); SIGUSR2 brings them back");
    } else if (sig == SIGUSR2) {
      (*kafka)->SetAllBrokersUp();
      base::LogInfo("all brokers up (SIGUSR2)");
    } else {
      base::LogInfo("kafka broker stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      break;
    }
  }
  if (!config.bootstrap_file.empty() && unlink(config.bootstrap_file.c_str()) != 0 && errno != ENOENT) {
    base::LogWarn("could not remove bootstrap file",
                  {{"path", config.bootstrap_file}, {"error", std::strerror(errno)}});
  }
  kafka->reset();
  base::LogInfo("kafka broker stopped");
  return absl::OkStatus();
}

}  // namespace sfa::tools
