#pragma once
// rxflow-pharmacy-sim (pharmacy-adapters/sim/) as the tests run it: a chain's ERP or a courier
// company on a loopback port, talking to a TestServer. It can be stopped and started again on
// the same port, and rxflow can move under it (rxflowPortFile).
#include <Poco/JSON/Object.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/ChildProcess.h"

namespace rxtest {

struct SimOptions {
    std::string mode = "erp";  // erp | courier
    std::string token;         // the chain's or courier company's
    std::string secret = "sim-secret-0123456789";
    std::string courier;       // erp: courier company for delivery orders
    std::string chain = "CHW";  // erp: its chain, whose test pharmacist (testPharmacistLicense) it names
    std::vector<std::string> args;  // faults etc.: {"--fail-first", "3"}
    // When set, the sim reads rxflow's port from this file before each call; else the
    // server's port at start.
    std::string rxflowPortFile;
};

class Simulator {
public:
    // Not started yet: its port is chosen now, so a store or courier can be registered with
    // its URL before the token the simulator needs exists. Set options(), then start().
    explicit Simulator(const TestServer& rxflow);
    ~Simulator();

    SimOptions& options() { return options_; }
    void start();          // (again: on the same port, with the same state file)
    int stop(int signal = 15);
    int port() const { return port_; }
    std::string url(const std::string& path = "/erp") const;
    Poco::JSON::Object::Ptr status() const;  // GET /sim/status
    // The patient shows the pickup code (at the counter, or to the courier).
    void patient(const std::string& prescriptionId, const std::string& code) const;
    std::string log() const { return process_->log(); }

private:
    SimOptions options_;
    int rxflowPort_;
    std::string dir_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace rxtest
