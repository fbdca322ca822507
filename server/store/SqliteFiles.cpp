#include "server/store/SqliteFiles.h"

#include <soci/sqlite3/soci-sqlite3.h>
#include <sys/stat.h>

namespace rxflow::store {
namespace {

sqlite_api::sqlite3* connectionOf(soci::session& s) {
    // static_cast: SOCI does not export the backend classes' typeinfo; the session is SQLite.
    return static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
}

}  // namespace

int lastSystemErrno(soci::session& s) {
    // The errno each file kept from its last failed call: the WAL's first (a commit writes
    // there), then the database file's (a checkpoint writes there). sqlite3_system_errno reads
    // the thread's errno some calls later, which is often 0 by then.
    sqlite_api::sqlite3* db = connectionOf(s);
    sqlite_api::sqlite3_file* wal = nullptr;
    sqlite_api::sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
    int err = 0;
    if (wal && wal->pMethods) wal->pMethods->xFileControl(wal, SQLITE_FCNTL_LAST_ERRNO, &err);
    if (err == 0) sqlite_api::sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &err);
    return err ? err : sqlite_api::sqlite3_system_errno(db);
}

namespace {

std::string inode(ino_t ino) { return "inode " + std::to_string(static_cast<unsigned long long>(ino)); }

}  // namespace

SqliteFiles::SqliteFiles(soci::session& writer) : writer_(writer) {
    const char* name = sqlite_api::sqlite3_db_filename(connectionOf(writer_), "main");
    if (name) path_ = name;
    if (path_.empty()) return;
    database_ = identityOf(path_);
    wal_ = identityOf(path_ + "-wal");
}

std::optional<SqliteFiles::Identity> SqliteFiles::identityOf(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return Identity{st.st_dev, st.st_ino};
}

std::optional<SqliteFiles::Change> SqliteFiles::changed() {
    if (path_.empty()) return std::nullopt;
    // The main file: SQLite compares the path's inode with the one its connection has open.
    int moved = 0;
    sqlite_api::sqlite3_file_control(connectionOf(writer_), "main", SQLITE_FCNTL_HAS_MOVED, &moved);
    if (moved) {
        const auto now = identityOf(path_);
        Change c{true, path_ + (now ? " was replaced by another file (" + inode(now->ino) + ", was " +
                                          (database_ ? inode(database_->ino) : std::string("unknown")) + ")"
                                    : std::string(" was removed"))};
        return c;
    }
    // The WAL: SQLite keeps no identity of it, so compare with the one seen first.
    const std::string walPath = path_ + "-wal";
    const auto wal = identityOf(walPath);
    if (!wal_) {
        wal_ = wal;  // not there at open: the first one seen is SQLite's
        return std::nullopt;
    }
    if (!wal) return Change{false, walPath + " was removed"};
    if (wal->dev != wal_->dev || wal->ino != wal_->ino)
        return Change{false, walPath + " was replaced by another file (" + inode(wal->ino) + ", was " +
                                 inode(wal_->ino) + ")"};
    return std::nullopt;
}

}  // namespace rxflow::store
