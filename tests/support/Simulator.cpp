#include "tests/support/Simulator.h"

#include <Poco/File.h>
#include <Poco/Net/ServerSocket.h>
#include <doctest/doctest.h>

#include "tests/support/TestEnv.h"

namespace rxtest {


Simulator::Simulator(const TestServer& rxflow)
    : rxflowPort_(rxflow.port()), dir_(makeTempDir("sim")), process_(std::make_unique<ChildProcess>()) {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = probe.address().port();  // free now; the simulator binds it with SO_REUSEADDR
}

Simulator::~Simulator() {
    process_.reset();
    try {
        Poco::File(dir_).remove(true);
    } catch (...) {
    }
}

void Simulator::start() {
    std::vector<std::string> args = {RXFLOW_SIM_BIN, "--mode", options_.mode, "--port", std::to_string(port_),
                                     "--port-file", dir_ + "/sim.port", "--state", dir_ + "/events.txt"};
    if (options_.rxflowPortFile.empty())
        args.insert(args.end(), {"--rxflow", "http://127.0.0.1:" + std::to_string(rxflowPort_)});
    else
        args.insert(args.end(), {"--rxflow-port-file", options_.rxflowPortFile});
    if (!options_.courier.empty()) args.insert(args.end(), {"--courier", options_.courier});
    if (options_.mode == "erp")
        args.insert(args.end(), {"--pharmacist-name", "王药师", "--pharmacist-license", testPharmacistLicense(options_.chain)});
    args.insert(args.end(), options_.args.begin(), options_.args.end());
    port_ = process_->start(args, {{"RXSIM_TOKEN", options_.token}, {"RXSIM_SECRET", options_.secret}},
                            dir_ + "/sim.log", dir_ + "/sim.port");
}

int Simulator::stop(int signal) { return process_->stop(signal); }

std::string Simulator::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

Poco::JSON::Object::Ptr Simulator::status() const {
    Reply r = httpCall(port_, "GET", "/sim/status", "");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.json();
}

void Simulator::patient(const std::string& prescriptionId, const std::string& code) const {
    Reply r = httpCall(port_, "POST", "/sim/patients", "",
                       "{\"prescription\":" + q(prescriptionId) + ",\"code\":" + q(code) + "}");
    REQUIRE_MESSAGE(r.status == 200, r.body);
}

}  // namespace rxtest
