// sfa: the operator CLI over the services' public gRPC APIs. Wiring only: the process's arguments,
// environment and streams into RunCli (tools/sfa/app.h).

#include <iostream>

#include "tools/sfa/app.h"

int main(int argc, char** argv) {
  return sfa::tools::cli::RunCli(argc, argv, sfa::tools::cli::ProcessEnvironment(), std::cout, std::cerr);
}
