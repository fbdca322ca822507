#pragma once
// A program the tests start (rxflow serve, rxflow-pharmacy-sim): its output goes to a log
// file, it dies with the test process, and it writes the port it listens on to a file.
#include <map>
#include <string>
#include <vector>

#include "tests/support/TestServer.h"

namespace rxtest {

// Runs a program to its end (at most 120 s); its exit status and what it printed.
struct RunResult {
    int status = -1;
    std::string output;
};
RunResult runProgram(const std::vector<std::string>& args, const std::string& logPath);

class ChildProcess {
public:
    ChildProcess() = default;
    ~ChildProcess() { stop(9); }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Starts args[0] and waits up to 30 s for a port in `portFile` (removed first).
    // The test fails, with the log, if the program exits or never writes it.
    int start(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
              const std::string& logPath, const std::string& portFile);
    // Sends a signal (0: none) and waits; the exit status, or 128+N when killed by signal N.
    int stop(int signal = 15);
    bool running() const { return pid_ > 0; }
    int pid() const { return pid_; }
    std::string log() const;

private:
    friend RunResult runProgram(const std::vector<std::string>& args, const std::string& logPath);
    int pid_ = -1;
    std::string logPath_;
};

// One HTTP call to 127.0.0.1:port with an optional bearer token.
Reply httpCall(int port, const std::string& method, const std::string& path, const std::string& token,
               const std::string& body = "", const std::map<std::string, std::string>& headers = {});

}  // namespace rxtest
