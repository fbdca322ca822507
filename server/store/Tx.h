#pragma once
// One open transaction, as repositories see it, and the helpers they share.
#include <soci/soci.h>

#include <string>
#include <utility>

#include "server/store/DbUrl.h"
#include "server/store/StatementCache.h"

namespace rxflow::store {

// One open transaction. Repositories take it as their first argument.
struct Tx {
    soci::session& sql;
    Backend backend;
    StatementCache& statements;
    bool mysql() const { return backend == Backend::Mysql; }
    // Row lock suffix for SELECTs that precede an update. SQLite's write transactions already
    // hold the database's write lock (BEGIN IMMEDIATE), so it needs none.
    const char* forUpdate() const { return mysql() ? " FOR UPDATE" : ""; }

    // Runs `sql` once through this session's prepared statement, with soci::use / soci::into
    // elements as `tx.sql << sql, ...` would. True when a row came back into the elements.
    template <class... E> bool exec(const std::string& sql, E&&... elements) {
        return run(sql, [](soci::statement& st) { return st.got_data(); }, std::forward<E>(elements)...);
    }
    // The same for INSERT / UPDATE / DELETE: the number of rows changed.
    template <class... E> long long change(const std::string& sql, E&&... uses) {
        return run(sql, [](soci::statement& st) { return st.get_affected_rows(); }, std::forward<E>(uses)...);
    }
    // Calls onRow(const soci::row&) for each row of a SELECT with soci::use elements.
    template <class F, class... U> void each(const std::string& sql, F&& onRow, U&&... uses) {
        soci::row row;
        const auto eachRow = [&](soci::statement& st) {
            for (bool more = st.got_data(); more; more = st.fetch()) onRow(static_cast<const soci::row&>(row));
            return true;
        };
        run(sql, eachRow, std::forward<U>(uses)..., soci::into(row));
    }

private:
    // Binds the elements, executes (fetching the first row), and returns what `then` makes of it.
    template <class Then, class... E> auto run(const std::string& sql, Then&& then, E&&... elements) {
        Prepared st(statements, sql);
        (st->exchange(std::forward<E>(elements)), ...);
        st->define_and_bind();
        st->execute(true);
        auto result = then(*st);
        st.done();
        return result;
    }
};

// Thrown inside a transaction to roll it back and run it once more (e.g. a unique key taken
// by a concurrent request whose result the retry will find).
struct RetryTransaction {};

bool isUniqueViolation(const soci::soci_error& e);

// An integer column as long long, whatever width the backend reports for it (SQLite's
// INTEGER PRIMARY KEY comes back as int, MySQL's BIGINT as long long).
long long integerAt(const soci::row& r, std::size_t i);

// Runs an INSERT; false when it hit a unique key (the row exists already). Only for tables
// whose foreign keys the caller has checked, since SQLite reports both as SQLITE_CONSTRAINT.
template <class F> bool insertUnlessExists(F&& insert) {
    try {
        insert();
        return true;
    } catch (const soci::soci_error& e) {
        if (isUniqueViolation(e)) return false;
        throw;
    }
}

}  // namespace rxflow::store
