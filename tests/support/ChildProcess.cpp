#include "tests/support/ChildProcess.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

namespace rxtest {
namespace {

// In the forked child: output to logPath (appended or truncated), env set, then args[0] run.
[[noreturn]] void execChild(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                            const std::string& logPath, int appendOrTruncate) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a test process that dies takes its children with it
    int fd = open(logPath.c_str(), O_WRONLY | O_CREAT | appendOrTruncate, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
}

}  // namespace

int ChildProcess::start(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                        const std::string& logPath, const std::string& portFile) {
    logPath_ = logPath;
    Poco::File(portFile).exists() && (Poco::File(portFile).remove(), true);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) execChild(args, env, logPath, O_APPEND);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        if (Poco::File(portFile).exists()) {
            Poco::FileInputStream in(portFile);
            int port = 0;
            in >> port;
            if (port > 0) return port;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            FAIL(args[0] << " exited at start:\n" << log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL(args[0] << " did not start within 30 s:\n" << log());
    return 0;
}

int ChildProcess::stop(int signal) {
    if (pid_ <= 0) return -1;
    if (signal) kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ChildProcess::log() const {
    try {
        Poco::FileInputStream in(logPath_);
        std::string text;
        Poco::StreamCopier::copyToString(in, text);
        return text;
    } catch (...) {
        return "(no log)";
    }
}

RunResult runProgram(const std::vector<std::string>& args, const std::string& logPath) {
    ChildProcess child;
    child.logPath_ = logPath;
    child.pid_ = fork();
    REQUIRE(child.pid_ >= 0);
    if (child.pid_ == 0) execChild(args, {}, logPath, O_TRUNC);
    for (int i = 0; i < 1200; ++i) {
        int status = 0;
        if (waitpid(child.pid_, &status, WNOHANG) == child.pid_) {
            child.pid_ = -1;
            return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), child.log()};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    child.stop(SIGKILL);
    FAIL(args[0] << " did not finish within 120 s:\n" << child.log());
    return {};
}

Reply httpCall(int port, const std::string& method, const std::string& path, const std::string& token,
               const std::string& body, const std::map<std::string, std::string>& headers) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    if (!body.empty() || method == "POST" || method == "PUT") {
        req.setContentType("application/json");
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    for (const auto& [k, v] : headers) {
        if (Poco::icompare(k, "Content-Type") == 0)
            req.setContentType(v);
        else
            req.set(k, v);
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    Reply r;
    r.status = resp.getStatus();
    Poco::StreamCopier::copyToString(in, r.body);
    for (const auto& [k, v] : resp) r.headers[Poco::toLower(k)] = v;
    return r;
}

}  // namespace rxtest
