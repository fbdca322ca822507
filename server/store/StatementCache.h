#pragma once
// Prepared statements kept per session, and one use of one of them.
// Not thread-safe: a cache belongs to one session, and a session to one thread at a time (its lease).
#include <soci/soci.h>

#include <memory>
#include <string>
#include <unordered_map>

namespace rxflow::store {

// Statements prepared once per pooled session and kept, keyed by their SQL text: SQLite parses
// and plans a statement when it is prepared, SOCI's MySQL backend splits it into chunks. For
// fixed SQL texts only; past kMaxEntries, statements are prepared for one use as before.
class StatementCache {
public:
    static constexpr std::size_t kMaxEntries = 256;
    StatementCache(soci::session& s, bool sqlite) : session_(s), sqlite_(sqlite) {}
    bool sqlite() const { return sqlite_; }
    // A prepared statement with no elements bound, or nullptr when the cache is full.
    soci::statement* find(const std::string& sql);
    soci::session& session() { return session_; }
    void drop(const std::string& sql) { statements_.erase(sql); }
    void clear() { statements_.clear(); }  // before the session reconnects

private:
    soci::session& session_;
    bool sqlite_;
    std::unordered_map<std::string, std::unique_ptr<soci::statement>> statements_;
};

// One use of a cached (or, when the cache is full, one-off) statement: binds the elements,
// and afterwards unbinds them and resets the statement so it holds no lock or snapshot. A
// statement whose execution threw is dropped from the cache.
class Prepared {
public:
    Prepared(StatementCache& cache, const std::string& sql);
    ~Prepared();
    Prepared(const Prepared&) = delete;
    Prepared& operator=(const Prepared&) = delete;
    soci::statement& operator*() { return *st_; }
    soci::statement* operator->() { return st_; }
    void done() { done_ = true; }

private:
    StatementCache& cache_;
    const std::string& sql_;
    std::unique_ptr<soci::statement> oneOff_;
    soci::statement* st_;
    bool done_ = false;
};

}  // namespace rxflow::store
