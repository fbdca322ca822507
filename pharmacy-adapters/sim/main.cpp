// rxflow-pharmacy-sim: a chain's ERP (--mode erp: webhook or FHIR deliveries) or a courier
// company (--mode courier), as a real HTTP program on loopback, working orders through
// rxflow's API with faults injected at configured rates. For tests and the demo of run.sh.
//
//   rxflow-pharmacy-sim --mode erp --secret S --token T --rxflow http://127.0.0.1:8080
//       --port 0 --port-file sim.port [--courier CR1] [--delay-ms N] [--fail-first 3] ...
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/ServerApplication.h>

#include <cstdlib>
#include <iostream>

#include "pharmacy-adapters/sim/Receiver.h"

namespace rxsim {

class SimApp : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override {
        ServerApplication::defineOptions(options);
        auto add = [&](const char* name, const char* arg, const char* what) {
            options.addOption(Poco::Util::Option(name, "", what)
                                  .required(false)
                                  .repeatable(false)
                                  .argument(arg)
                                  .binding(std::string("sim.") + name));
        };
        add("mode", "erp|courier", "what to simulate (default erp)");
        add("port", "N", "port on 127.0.0.1 (default 0: any free one)");
        add("port-file", "FILE", "write the port here once listening");
        add("rxflow", "URL", "rxflow's base URL (default http://127.0.0.1:8080)");
        add("rxflow-port-file", "FILE", "read rxflow's port from this file before each call");
        add("token", "TOKEN", "the chain's or courier company's API token (or RXSIM_TOKEN)");
        add("secret", "SECRET", "the webhook secret shared with rxflow (or RXSIM_SECRET)");
        add("tolerance", "SECONDS", "accepted age of a signature timestamp (default 300)");
        add("delay-ms", "N", "wait between steps (default 0)");
        add("courier", "ID", "courier company for delivery orders (erp)");
        add("pharmacist-name", "NAME", "who reviews and dispenses (erp)");
        add("pharmacist-license", "LICENSE", "their license (erp)");
        add("state", "FILE", "event ids acted on, kept across restarts");
        add("fail-first", "N", "answer 500 to the first N deliveries of each event");
        add("fail-rate", "R", "then answer 500 at this rate (0..1)");
        add("drop-rate", "R", "drop the connection without an answer at this rate");
        add("hang-rate", "R", "act, but answer only after --hang-ms, at this rate");
        add("hang-ms", "N", "how long a hanging answer takes (default 10000)");
        add("duplicate-rate", "R", "act on a message twice at this rate");
        add("seed", "N", "seed of the fault dice (default 1)");
        options.addOption(Poco::Util::Option("help", "h", "this text").callback(
            Poco::Util::OptionCallback<SimApp>(this, &SimApp::help)));
    }

    void help(const std::string&, const std::string&) {
        Poco::Util::HelpFormatter f(options());
        f.setCommand(commandName());
        f.setHeader("A chain's ERP or a courier company, working rxflow's orders over HTTP, with faults.");
        f.format(std::cout);
        stopOptionsProcessing();
        helped_ = true;
    }

    int main(const std::vector<std::string>&) override {
        if (helped_) return EXIT_OK;
        auto& c = config();
        const std::string mode = c.getString("sim.mode", "erp");
        if (mode != "erp" && mode != "courier") {
            std::cerr << "--mode must be erp or courier\n";
            return EXIT_USAGE;
        }
        const char* envToken = std::getenv("RXSIM_TOKEN");
        const char* envSecret = std::getenv("RXSIM_SECRET");
        RxflowClient api(c.getString("sim.rxflow", "http://127.0.0.1:8080"), c.getString("sim.rxflow-port-file", ""),
                         c.getString("sim.token", envToken ? envToken : ""));
        ReceiverOptions ro;
        ro.secret = c.getString("sim.secret", envSecret ? envSecret : "");
        if (ro.secret.empty()) {
            std::cerr << "--secret (or RXSIM_SECRET) is required: unsigned deliveries are never trusted\n";
            return EXIT_USAGE;
        }
        ro.toleranceSeconds = c.getInt("sim.tolerance", 300);
        ro.stateFile = c.getString("sim.state", "");
        ro.faults.failFirst = c.getInt("sim.fail-first", 0);
        ro.faults.failRate = c.getDouble("sim.fail-rate", 0);
        ro.faults.dropRate = c.getDouble("sim.drop-rate", 0);
        ro.faults.hangRate = c.getDouble("sim.hang-rate", 0);
        ro.faults.hangMs = c.getInt("sim.hang-ms", 10000);
        ro.faults.duplicateRate = c.getDouble("sim.duplicate-rate", 0);
        ro.faults.seed = static_cast<unsigned>(c.getInt("sim.seed", 1));
        WorkflowOptions wo;
        wo.delayMs = c.getInt("sim.delay-ms", 0);
        wo.courier = c.getString("sim.courier", "");
        wo.pharmacistName = c.getString("sim.pharmacist-name", wo.pharmacistName);
        wo.pharmacistLicense = c.getString("sim.pharmacist-license", wo.pharmacistLicense);

        Scheduler scheduler;
        std::unique_ptr<Workflow> workflow;
        if (mode == "erp") workflow = std::make_unique<Erp>(api, scheduler, wo);
        else workflow = std::make_unique<Courier>(api, scheduler, wo);
        Receiver receiver(ro, *workflow);

        Poco::Net::ServerSocket socket(
            Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(c.getInt("sim.port", 0))));
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(32);
        params->setKeepAlive(true);
        Poco::Net::HTTPServer server(receiver.factory(), socket, params);
        server.start();
        const int port = socket.address().port();
        const std::string portFile = c.getString("sim.port-file", "");
        if (!portFile.empty()) {
            {
                Poco::FileOutputStream out(portFile + ".tmp");
                out << port << "\n";
            }
            Poco::File(portFile + ".tmp").renameTo(portFile);
        }
        std::cout << "rxflow-pharmacy-sim (" << mode << ") listening on 127.0.0.1:" << port << std::endl;
        waitForTerminationRequest();
        server.stopAll(true);
        scheduler.stop();
        return EXIT_OK;
    }

private:
    bool helped_ = false;
};

}  // namespace rxsim

POCO_SERVER_MAIN(rxsim::SimApp)
