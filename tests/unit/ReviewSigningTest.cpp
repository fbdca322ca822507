// The bytes a pharmacist signs for a review (API.md §11). Pinned byte for byte: the server, rxflow
// verify and rxsign-tool all sign or check these, and a signer elsewhere builds them from the spec.
#include <doctest/doctest.h>

#include <string>

#include "server/workflow/ReviewSigning.h"

TEST_CASE("review signed bytes: the JCS object with reasonCode, members sorted, version an integer") {
    CHECK(rxflow::reviewSignedBytes("rx_01KBM3ZQ8RJ5D2XG7WQ4T9HN6C", 3, "reject", "out_of_stock",
                                    "YS33020001", "2026-12-04T09:02:03+08:00") ==
          R"({"decision":"reject","pharmacist":"YS33020001","prescription":"rx_01KBM3ZQ8RJ5D2XG7WQ4T9HN6C",)"
          R"("reasonCode":"out_of_stock","reviewedAt":"2026-12-04T09:02:03+08:00","version":3})");
}

TEST_CASE("review signed bytes: without a reasonCode the member is left out, not sent empty") {
    CHECK(rxflow::reviewSignedBytes("rx_01KBM3ZQ8RJ5D2XG7WQ4T9HN6C", 12, "approve", "", "YS33020001",
                                    "2026-12-04T01:02:03.250+00:00") ==
          R"({"decision":"approve","pharmacist":"YS33020001","prescription":"rx_01KBM3ZQ8RJ5D2XG7WQ4T9HN6C",)"
          R"("reviewedAt":"2026-12-04T01:02:03.250+00:00","version":12})");
}
