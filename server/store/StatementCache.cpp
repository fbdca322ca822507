#include "server/store/StatementCache.h"

#include <soci/sqlite3/soci-sqlite3.h>

namespace rxflow::store {

namespace {

std::unique_ptr<soci::statement> prepare(soci::session& s, const std::string& sql) {
    auto st = std::make_unique<soci::statement>(s);
    st->alloc();
    st->prepare(sql);
    return st;
}

}  // namespace

soci::statement* StatementCache::find(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second.get();
    if (statements_.size() >= kMaxEntries) return nullptr;
    return statements_.emplace(sql, prepare(session_, sql)).first->second.get();
}

Prepared::Prepared(StatementCache& cache, const std::string& sql) : cache_(cache), sql_(sql), st_(cache.find(sql)) {
    if (!st_) {
        oneOff_ = prepare(cache.session(), sql);
        st_ = oneOff_.get();
    }
}

Prepared::~Prepared() {
    if (oneOff_) return;
    if (!done_) {
        cache_.drop(sql_);  // its state after a failure is not worth trusting
        return;
    }
    st_->bind_clean_up();
    // SQLite: a statement stopped on a row keeps its read snapshot until reset.
    // (static_cast: SOCI does not export the backend classes' typeinfo; the session is SQLite.)
    if (cache_.sqlite()) sqlite_api::sqlite3_reset(static_cast<soci::sqlite3_statement_backend*>(st_->get_backend())->stmt_);
}

}  // namespace rxflow::store
