#pragma once
// One open transaction, as repositories see it, and the helpers they share.
#include <soci/soci.h>

#include <string>
#include <utility>

#include "server/store/DbUrl.h"
#include "server/store/StatementCache.h"

namespace rxflow::store {

// One open transaction. Repositories take it as their first argument. It does not hand out its
// SOCI session: every statement goes through the session's prepared statement cache (exec,
// change, each, eachInto, repeat), so none is parsed again on each use.
struct Tx {
    // `statements` is the cache of the session the transaction runs on; it holds that session,
    // so Tx keeps no second reference to it that could disagree.
    Tx(Backend b, StatementCache& statements) : backend(b), statements_(statements) {}

    Backend backend;
    bool mysql() const { return backend == Backend::Mysql; }
    // Row lock suffix for SELECTs that precede an update. SQLite's write transactions already
    // hold the database's write lock (BEGIN IMMEDIATE), so it needs none.
    const char* forUpdate() const { return mysql() ? " FOR UPDATE" : ""; }

    // Runs `sql` once through this session's prepared statement, with soci::use / soci::into
    // elements as `session << sql, ...` would. True when a row came back into the elements.
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
        eachInto(sql, [&] { onRow(static_cast<const soci::row&>(row)); }, std::forward<U>(uses)..., soci::into(row));
    }
    // Calls onRow() for each row of a SELECT, once the row is in its soci::into elements: for
    // typed columns read without a soci::row in between (a day's payments, one at a time).
    template <class F, class... E> void eachInto(const std::string& sql, F&& onRow, E&&... elements) {
        const auto eachRow = [&](soci::statement& st) {
            for (bool more = st.got_data(); more; more = st.fetch()) onRow();
            return true;
        };
        run(sql, eachRow, std::forward<E>(elements)...);
    }
    // One statement run many times with changing values (a loop of inserts): binds the soci::use
    // elements once and calls body(execute). Each execute() runs the statement with the values the
    // bound variables hold at that moment and returns the number of rows changed.
    template <class F, class... U> void repeat(const std::string& sql, F&& body, U&&... uses) {
        Prepared st(statements_, sql);
        (st->exchange(std::forward<U>(uses)), ...);
        st->define_and_bind();
        body([&st] {
            st->execute(true);
            return st->get_affected_rows();
        });
        st.done();
    }

private:
    // Binds the elements, executes (fetching the first row), and returns what `then` makes of it.
    template <class Then, class... E> auto run(const std::string& sql, Then&& then, E&&... elements) {
        Prepared st(statements_, sql);
        (st->exchange(std::forward<E>(elements)), ...);
        st->define_and_bind();
        st->execute(true);
        auto result = then(*st);
        st.done();
        return result;
    }

    StatementCache& statements_;
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
