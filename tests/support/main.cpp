// The doctest main of every suite: takes --backend=sqlite|mysql, leaves the rest to doctest.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>
#include <string>

#include "tests/support/TestEnv.h"

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--backend=", 0) == 0) rxtest::setBackend(arg.substr(10));
    }
    doctest::Context context(argc, argv);
    return context.run();
}
