#include "server/app/RxflowApp.h"

#include <Poco/ConsoleChannel.h>
#include <Poco/Environment.h>
#include <Poco/FormattingChannel.h>
#include <Poco/PatternFormatter.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionCallback.h>

#include <cctype>
#include <csignal>
#include <iostream>
#include <set>

#include "server/app/Server.h"
#include "server/app/Settings.h"
#include "server/app/VerifyCommand.h"

namespace rxflow {
namespace {

// Option name -> configuration key.
const std::pair<const char*, const char*> kValueOptions[] = {
    {"port", "rxflow.port"},
    {"db", "rxflow.db"},
    {"data-dir", "rxflow.data_dir"},
    {"platform-key", "rxflow.verify.platform_key"},
    {"trust-ca", "rxflow.trust.ca_file"},
    {"bind", "rxflow.bind"},
    {"tls-cert", "rxflow.tls.cert_file"},
    {"tls-key", "rxflow.tls.key_file"},
    {"tls-client-ca", "rxflow.tls.client_ca_file"},
};

constexpr int kCommandLinePriority = -200;  // beats the environment layer
constexpr int kEnvironmentPriority = -150;  // beats --config files (PRIO_DEFAULT)
constexpr int kKeyEnvironmentPriority = -140;

// Every key rxflow.a.b_c can also be set as RXFLOW_A_B_C (API.md §10). The name is made from
// the key being read, so this layer needs no list of keys; kEnvBindings keep the older names.
class KeyEnvironment : public Poco::Util::AbstractConfiguration {
  protected:
    bool getRaw(const std::string& key, std::string& value) const override {
        if (key.rfind("rxflow.", 0) != 0) return false;
        std::string name = "RXFLOW_";
        for (char c : key.substr(7))
            name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (!Poco::Environment::has(name)) return false;
        value = Poco::Environment::get(name);
        return true;
    }
    void setRaw(const std::string& key, const std::string&) override {
        throw Poco::NotImplementedException("the environment layer is read-only: " + key);
    }
    void enumerate(const std::string&, Keys&) const override {}
};

}  // namespace

std::vector<std::string> joinOptionValues(const std::vector<std::string>& args) {
    std::set<std::string> takesValue = {"--config"};
    for (const auto& [name, key] : kValueOptions) takesValue.insert(std::string("--") + name);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (takesValue.count(args[i]) && i + 1 < args.size()) {
            out.push_back(args[i] + "=" + args[i + 1]);
            ++i;
        } else {
            out.push_back(args[i]);
        }
    }
    return out;
}

RxflowApp::RxflowApp() : commandLine_(new Poco::Util::MapConfiguration) {
    setUnixOptions(true);
    config().add(commandLine_, kCommandLinePriority, true);
}

void RxflowApp::defineOptions(Poco::Util::OptionSet& options) {
    ServerApplication::defineOptions(options);
    options.addOption(Poco::Util::Option("help", "h", "show this help")
                          .callback(Poco::Util::OptionCallback<RxflowApp>(this, &RxflowApp::setOption)));
    options.addOption(
        Poco::Util::Option("config", "", "read configuration from FILE (.properties, .ini, .xml)")
            .argument("FILE")
            .callback(Poco::Util::OptionCallback<RxflowApp>(this, &RxflowApp::setOption)));
    for (const auto& [name, key] : kValueOptions)
        options.addOption(Poco::Util::Option(name, "", std::string("sets ") + key)
                              .argument("VALUE")
                              .callback(Poco::Util::OptionCallback<RxflowApp>(this, &RxflowApp::setOption)));
}

void RxflowApp::setOption(const std::string& name, const std::string& value) {
    if (name == "help") {
        helpRequested_ = true;
        stopOptionsProcessing();
    } else if (name == "config") {
        loadConfiguration(value, PRIO_DEFAULT);
    } else {
        for (const auto& [opt, key] : kValueOptions)
            if (name == opt) commandLine_->setString(key, value);
    }
}

void RxflowApp::initialize(Poco::Util::Application& self) {
    Poco::AutoPtr<Poco::Util::MapConfiguration> env(new Poco::Util::MapConfiguration);
    for (std::size_t i = 0; i < kEnvBindingCount; ++i)
        if (Poco::Environment::has(kEnvBindings[i].variable))
            env->setString(kEnvBindings[i].key, Poco::Environment::get(kEnvBindings[i].variable));
    config().add(env, kEnvironmentPriority, true);
    config().add(new KeyEnvironment, kKeyEnvironmentPriority, false);
    setupLogging();
    ServerApplication::initialize(self);
}

void RxflowApp::setupLogging() {
    if (config().has("logging.loggers.root.channel")) return;  // configured in the --config file
    Poco::AutoPtr<Poco::PatternFormatter> format(
        new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%i %p %s: %t"));
    Poco::AutoPtr<Poco::FormattingChannel> channel(
        new Poco::FormattingChannel(format, new Poco::ConsoleChannel));
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::root().setLevel(config().getString("rxflow.log_level", "information"));
    logger().setChannel(channel);
    logger().setLevel(config().getString("rxflow.log_level", "information"));
}

int RxflowApp::usage(int code) {
    Poco::Util::HelpFormatter help(options());
    help.setCommand(commandName());
    help.setUsage(
        "serve [OPTIONS] | verify FILE --platform-key PEM --trust-ca PEM | audit verify [--db URL]");
    help.setHeader("rxflow carries signed electronic prescriptions from online clinics to chain pharmacies.");
    help.format(code == EXIT_OK ? std::cout : std::cerr);
    return code;
}

int RxflowApp::main(const std::vector<std::string>& args) {
    if (helpRequested_) return usage(EXIT_OK);
    if (args.empty() || args[0] == "serve") return serve();
    if (args[0] == "verify" && args.size() == 2) {
        const std::string key = config().getString("rxflow.verify.platform_key", "");
        const std::string ca = config().getString("rxflow.trust.ca_file", "");
        if (key.empty() || ca.empty()) {
            std::cerr << "usage: rxflow verify FILE --platform-key PEM --trust-ca PEM\n";
            return EXIT_USAGE;
        }
        return verifySignedDocument(args[1], key, ca, std::cout, std::cerr);
    }
    if (args[0] == "audit" && args.size() == 2 && args[1] == "verify")
        return verifyAuditTrail(Settings::from(config()).dbUrl, std::cout, std::cerr);
    std::cerr << "rxflow: unknown command '" << args[0]
              << "'; this build offers: serve, verify, audit verify\n";
    return usage(EXIT_USAGE);
}

int RxflowApp::serve() {
    Poco::Logger& log = Poco::Logger::get("rxflow");
    // A write past a file size limit (ulimit -f) then fails with EFBIG like one on a full disk,
    // and is answered 503 (API.md §13), instead of the signal killing the server.
    std::signal(SIGXFSZ, SIG_IGN);
    try {
        const Settings settings = Settings::from(config());
        if (settings.clockOffsetSeconds != 0)
            log.warning("CLOCK OFFSET IN FORCE: the server's clock runs %s seconds %s real time",
                        std::to_string(std::llabs(settings.clockOffsetSeconds)),
                        std::string(settings.clockOffsetSeconds > 0 ? "ahead of" : "behind"));
        Server server(settings, log);
        server.start();
        waitForTerminationRequest();
        server.stop();
    } catch (const std::exception& e) {
        log.fatal("cannot serve: %s", std::string(e.what()));
        return EXIT_SOFTWARE;
    }
    return EXIT_OK;
}

}  // namespace rxflow
