// Running the server (API.md §10, DESIGN.md): configuration layers, graceful SIGTERM,
// 503 instead of a hang when the database pool is exhausted.
#include <Poco/Net/StreamSocket.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <future>
#include <thread>
#include <vector>

#include "tests/support/ChildProcess.h"
#include "tests/support/TestEnv.h"
#include "tests/support/TestServer.h"

using namespace rxtest;

namespace {

// A request whose head and half its body are sent now; finish() sends the rest and reads.
class SlowRequest {
public:
    SlowRequest(int port, const std::string& token, const std::string& body)
        : socket_(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port))), body_(body) {
        socket_.setReceiveTimeout(Poco::Timespan(20, 0));
        std::string head = "POST /v1/admin/couriers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                           "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2);
        socket_.sendBytes(head.data(), static_cast<int>(head.size()));
    }
    std::string finish() {
        std::string rest = body_.substr(body_.size() / 2);
        socket_.sendBytes(rest.data(), static_cast<int>(rest.size()));
        std::string answer;
        char buf[4096];
        int n;
        while ((n = socket_.receiveBytes(buf, sizeof buf)) > 0) answer.append(buf, static_cast<std::size_t>(n));
        return answer;
    }

private:
    Poco::Net::StreamSocket socket_;
    std::string body_;
};

}  // namespace

TEST_CASE("SIGTERM lets requests in flight finish, refuses new ones, and exits 0") {
    // The background load is one token from four threads, as fast as they go: far beyond the
    // default rate limit (API.md §13), which is not what this test is about.
    TestServer s({{{"RXFLOW_LIMITS_RATE", "100000"}}, {}, nullptr});
    std::vector<std::unique_ptr<SlowRequest>> inFlight;
    for (int i = 0; i < 4; ++i)
        inFlight.push_back(std::make_unique<SlowRequest>(
            s.port(), s.admin, "{\"id\":\"K" + std::to_string(i) + "\",\"name\":\"in flight\"}"));
    // Background load on keep-alive connections while the signal arrives.
    std::atomic<bool> stop{false};
    std::atomic<int> completed{0};
    std::vector<std::thread> load;
    for (int t = 0; t < 4; ++t)
        load.emplace_back([&] {
            while (!stop) {
                try {
                    if (s.get("/v1/drugs/XC08CAA001", s.admin).status == 200) ++completed;
                } catch (const std::exception&) {
                    // connection refused once the server stopped accepting: expected
                }
            }
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const int pid = s.pid();
    kill(pid, SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (auto& r : inFlight) {
        std::string answer = r->finish();
        CHECK_MESSAGE(answer.rfind("HTTP/1.1 201", 0) == 0, answer);
    }
    stop = true;
    for (auto& t : load) t.join();
    CHECK(completed > 0);
    CHECK(s.stop(0) == 0);  // signal 0: only wait for the exit already under way
    CHECK(s.log().find("stopped") != std::string::npos);
}

TEST_CASE("no free database session within the lease timeout is 503 unavailable, not a hang") {
    // No outbox workers: their polls would compete for the one session this test starves.
    TestServer s({{{"RXFLOW_DB_POOL_SIZE", "1"}, {"RXFLOW_DB_LEASE_TIMEOUT_MS", "200"},
                   {"RXFLOW_DB_BUSY_TIMEOUT_MS", "4000"}, {"RXFLOW_OUTBOX_WORKERS", "0"}},
                  {},
                  nullptr});
    s.addClinic("C001");
    REQUIRE(s.post("/v1/admin/doctors", s.admin, "{\"license\":\"D1\",\"name\":\"x\",\"clinics\":[\"C001\"]}").status ==
            201);
    // Hold the doctor's row (MariaDB) or the write lock (SQLite) from outside the server, so a
    // PUT of that doctor waits inside the only pooled session (MariaDB) or the writer session
    // (SQLite, whose writes take turns on one session).
    auto holder = s.db().connect();
    if (onMysql()) {
        *holder << "START TRANSACTION";
        std::string name;
        *holder << "SELECT name FROM doctors WHERE license = 'D1' FOR UPDATE", soci::into(name);
    } else {
        *holder << "BEGIN IMMEDIATE";
    }
    auto blocked = std::async(std::launch::async, [&] {
        return s.put("/v1/admin/doctors/D1", s.admin, "{\"name\":\"y\",\"clinics\":[\"C001\"]}");
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    // Had the lease waited for the session, this write would wait for the lock we hold: a hang.
    Reply refused = s.put("/v1/admin/doctors/D2", s.admin, "{\"name\":\"z\",\"clinics\":[\"C001\"]}");
    CHECK_PROBLEM(refused, 503, "unavailable");
    *holder << "ROLLBACK";
    CHECK(blocked.get().status == 200);
    CHECK(s.get("/metrics", "").body.find("rxflow_db_pool_lease_timeouts_total 1") != std::string::npos);
}

TEST_CASE("configuration layers: --config file, then RXFLOW_* environment, then the command line win in turn") {
    const std::string dir = makeTempDir("cfg");
    const std::string file = dir + "/rxflow.properties";
    {
        std::ofstream out(file);
        out << "rxflow.db.pool_size = 3\nrxflow.http.max_threads = 9\nrxflow.port = 1\n";
    }
    auto poolSize = [](const TestServer& s) {
        const std::string m = s.get("/metrics", "").body;
        const auto at = m.find("\nrxflow_db_pool_size ");
        return at == std::string::npos ? -1 : std::stoi(m.substr(at + 21));
    };
    // The file says port 1; the command line's --port 0 (any free port) wins over it.
    TestServer fromFile({{}, {"--config", file}, nullptr});
    CHECK(fromFile.port() != 1);
    CHECK(poolSize(fromFile) == 3);
    CHECK(fromFile.log().find("with 9 worker threads") != std::string::npos);
    // The environment beats the file; RXFLOW_PORT=1 loses to --port 0 again.
    TestServer fromEnv({{{"RXFLOW_DB_POOL_SIZE", "5"}, {"RXFLOW_PORT", "1"}}, {"--config", file}, nullptr});
    CHECK(poolSize(fromEnv) == 5);
    CHECK(fromEnv.port() != 1);
    std::remove(file.c_str());
    rmdir(dir.c_str());
}

TEST_CASE("an out-of-range setting stops the server at start with a message naming it") {
    const std::string dir = makeTempDir("bad");
    const int pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        setenv("RXFLOW_DB_POOL_SIZE", "0", 1);
        int fd = open((dir + "/log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(RXFLOW_BIN, RXFLOW_BIN, "serve", "--port", "0", "--data-dir", dir.c_str(), (char*)nullptr);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) != 0);
    std::ifstream in(dir + "/log");
    std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(log.find("rxflow.db.pool_size") != std::string::npos);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("a second rxflow serve on a port in use is an error at start, and the first keeps its traffic") {
    TestServer first;
    const std::string dir = makeTempDir("second-serve");
    RunResult second = runProgram({RXFLOW_BIN, "serve", "--port", std::to_string(first.port()), "--data-dir", dir,
                                   "--db", "sqlite3://db=" + dir + "/rxflow.db"},
                                  dir + "/second.log");
    CHECK(second.status != 0);
    CHECK_MESSAGE(second.output.find("in use") != std::string::npos, second.output);
    // Every request still reaches the first server (a shared port would hand some to the second).
    for (int i = 0; i < 20; ++i) CHECK(first.get("/v1/drugs/XC08CAA001", first.admin).status == 200);
}
