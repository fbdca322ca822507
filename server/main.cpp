// rxflow: serve | audit verify | verify (API.md §10).
#include "server/app/RxflowApp.h"

int main(int argc, char** argv) {
    rxflow::RxflowApp app;
    return app.run(rxflow::joinOptionValues(std::vector<std::string>(argv, argv + argc)));
}
