#pragma once
// Signed checkpoints (API.md §7): what the hash links alone cannot show, a whole chain dropped
// or a chain's tail rewritten with fresh hashes, a checkpoint shows, because it holds each
// chain's head as it was, signed with the platform key.
#include <string>
#include <vector>

namespace rxflow::audit {

struct Head {
    std::string chain;
    long long chainSeq = 0;
    std::string hash;
};

struct Checkpoint {
    long long id = 0;
    long long at = 0;
    std::string prevDigest;  // the previous checkpoint's digest, or 64 zeros
    std::vector<Head> heads;
    std::string digest;      // SHA-256 hex of the signed bytes
    std::string keyId;
    std::string signature;   // base64, over the signed bytes
};

// The RFC 8785 bytes a checkpoint's digest and signature cover: {"at","heads","prev"}.
std::string signedBytes(const Checkpoint& c);
std::string headsJson(const std::vector<Head>& heads);
std::vector<Head> parseHeads(const std::string& json);  // throws on malformed text

}  // namespace rxflow::audit
