#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "server/app/RxflowApp.h"

using rxflow::joinOptionValues;
using Args = std::vector<std::string>;

TEST_CASE("joinOptionValues joins each value-taking option with the word after it and leaves the rest alone") {
    CHECK(joinOptionValues({"rxflow", "serve", "--port", "0", "--db", "sqlite3://db=x"}) ==
          Args{"rxflow", "serve", "--port=0", "--db=sqlite3://db=x"});
    CHECK(joinOptionValues({"rxflow", "serve", "--data-dir", "/srv/rx", "--config", "rx.properties", "--trust-ca",
                            "ca.pem", "--platform-key", "k.pem"}) ==
          Args{"rxflow", "serve", "--data-dir=/srv/rx", "--config=rx.properties", "--trust-ca=ca.pem",
               "--platform-key=k.pem"});
    // --opt=value, flags, unknown options and a trailing option without value stay as they are.
    CHECK(joinOptionValues({"rxflow", "serve", "--port=5"}) == Args{"rxflow", "serve", "--port=5"});
    CHECK(joinOptionValues({"rxflow", "--help", "serve"}) == Args{"rxflow", "--help", "serve"});
    CHECK(joinOptionValues({"rxflow", "serve", "--verbose", "x"}) == Args{"rxflow", "serve", "--verbose", "x"});
    CHECK(joinOptionValues({"rxflow", "serve", "--port"}) == Args{"rxflow", "serve", "--port"});
    CHECK(joinOptionValues({}).empty());
}
