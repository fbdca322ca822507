#pragma once
// Whether the SQLite files a server writes are still the ones at their paths (API.md §13).
// A database file renamed over, restored from a copy, or an -wal file deleted under a running
// server leaves its connections writing to inodes that nobody will open again: the writes are
// acknowledged, and a restart reads the files at the paths without them. Before a write
// transaction commits, Database asks here; the check is two stat() calls.
#include <soci/soci.h>
#include <sys/types.h>

#include <optional>
#include <string>

namespace rxflow::store {

// The errno behind a SQLite session's last failed write (EFBIG, ENOSPC, EROFS, EIO), 0 when
// there is none to tell. For naming the fault in words only: it may be an older failure's.
int lastSystemErrno(soci::session& s);

class SqliteFiles {
public:
    struct Change {
        bool databaseMoved = false;  // the main file: its transactions go to a file no one reads
        std::string what;            // for the log: which file, removed or replaced, inodes
    };

    // `writer` is the session whose transactions are checked; its main file is the database.
    // Remembers the -wal file's identity if it exists already (it does once a session has read
    // the database in WAL mode), else at the first check that finds it.
    explicit SqliteFiles(soci::session& writer);
    const std::string& databasePath() const { return path_; }
    bool inMemory() const { return path_.empty(); }

    // What changed since the files were opened, or nothing.
    std::optional<Change> changed();

private:
    struct Identity {
        dev_t dev = 0;
        ino_t ino = 0;
    };
    static std::optional<Identity> identityOf(const std::string& path);

    soci::session& writer_;
    std::string path_;  // as SQLite resolved it (absolute); empty for an in-memory database
    std::optional<Identity> database_, wal_;
};

}  // namespace rxflow::store
