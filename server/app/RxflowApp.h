#pragma once
// rxflow as a Poco ServerApplication: options declared in one place, configuration layered
// (command line > RXFLOW_* environment > --config file > defaults), subcommands dispatched.
#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/ServerApplication.h>

namespace rxflow {

class RxflowApp : public Poco::Util::ServerApplication {
public:
    RxflowApp();

protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void initialize(Poco::Util::Application& self) override;
    int main(const std::vector<std::string>& args) override;

private:
    void setOption(const std::string& name, const std::string& value);
    void setupLogging();
    int serve();
    int usage(int code);

    Poco::AutoPtr<Poco::Util::MapConfiguration> commandLine_;
    bool helpRequested_ = false;
};

// Poco's option parser takes `--port=8080`; the contract shows `--port 8080`. Joins the two
// words of each value-taking option so both forms work.
std::vector<std::string> joinOptionValues(const std::vector<std::string>& args);

}  // namespace rxflow
