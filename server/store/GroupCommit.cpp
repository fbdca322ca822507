// The write path of Database (see Database.h): writers queue, one of them takes the turn and
// runs a group of queued transactions under one commit, each inside its own savepoint; on
// SQLite the WAL is fsynced once per group before any writer is told its work is durable.
#include <Poco/Path.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "server/store/Database.h"

namespace rxflow::store {

Database::WalSync::~WalSync() {
    if (fd_ >= 0) ::close(fd_);
}

std::uint64_t Database::WalSync::committed() {
    std::lock_guard<std::mutex> lock(m_);
    return ++issued_;
}

void Database::WalSync::waitDurable(std::uint64_t ticket) {
    std::unique_lock<std::mutex> lock(m_);
    while (synced_ < ticket) {
        if (syncing_) {
            cv_.wait(lock);
            continue;
        }
        // Leader: every ticket issued so far belongs to a COMMIT that has returned, so its
        // frames are in the WAL file; one fsync makes all of them durable.
        syncing_ = true;
        const std::uint64_t target = issued_;
        lock.unlock();
        std::string failure;
        try {
            fsyncWal();
        } catch (const std::exception& e) {
            failure = e.what();
        }
        lock.lock();
        syncing_ = false;
        if (failure.empty()) synced_ = target;
        cv_.notify_all();
        // The waiters retry with their own fsync; this commit's reply says it is not known durable.
        if (!failure.empty()) throw std::runtime_error(failure);
    }
}

void Database::WalSync::fsyncWal() {
    if (fd_ < 0) {
        // The WAL exists once the first write committed (it does by now), and stays while this
        // process holds connections open. Its directory entry is made durable once.
        fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
        const std::string dir = Poco::Path(path_).makeAbsolute().parent().toString();
        const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirFd >= 0) {
            ::fsync(dirFd);
            ::close(dirFd);
        }
    }
    if (::fsync(fd_) != 0) throw std::runtime_error("fsync of " + path_ + " failed: " + std::strerror(errno));
}

void Database::combinedWrite(const std::function<void(Tx&)>& work) {
    for (int attempt = 1;; ++attempt) {
        WriteJob job(work);
        takeTurn(job);
        if (job.error) std::rethrow_exception(job.error);
        if (!job.retry) {
            if (walSync_) walSync_->waitDurable(job.ticket);
            return;
        }
        if (attempt >= options_.maxAttempts) throw Error::unavailable("the database is busy; try again");
        backoff(attempt);
    }
}

std::size_t Database::writesWaiting() {
    std::lock_guard<std::mutex> lock(writeQueueMutex_);
    return writeQueue_.size();
}

void Database::takeTurn(WriteJob& job) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.leaseTimeoutMs);
    std::unique_lock<std::mutex> lock(writeQueueMutex_);
    writeQueue_.push_back(&job);
    while (job.state != WriteJob::State::Done) {
        if (job.state == WriteJob::State::Taken) {  // in a group another thread runs
            job.cv.wait(lock);
            continue;
        }
        if (leading_) {
            if (job.cv.wait_until(lock, deadline) == std::cv_status::timeout && job.state == WriteJob::State::Queued) {
                writeQueue_.erase(std::find(writeQueue_.begin(), writeQueue_.end(), &job));
                ++leaseTimeouts_;
                throw Error::unavailable("too many writes waiting; try again");
            }
            continue;
        }
        // Lead: take the queue (this job is in it) and run it as one group.
        leading_ = true;
        const std::size_t n = std::min(writeQueue_.size(), kMaxCombined);
        std::vector<WriteJob*> group(writeQueue_.begin(), writeQueue_.begin() + static_cast<std::ptrdiff_t>(n));
        writeQueue_.erase(writeQueue_.begin(), writeQueue_.begin() + static_cast<std::ptrdiff_t>(n));
        for (WriteJob* j : group) j->state = WriteJob::State::Taken;
        lock.unlock();
        ++inUse_;
        runGroup(group);
        --inUse_;
        lock.lock();
        leading_ = false;
        for (WriteJob* j : group) {
            j->state = WriteJob::State::Done;
            j->cv.notify_one();
        }
        if (!writeQueue_.empty()) writeQueue_.front()->cv.notify_one();  // the next leader
    }
}

void Database::runGroup(std::vector<WriteJob*>& group) {
    static const std::string savepoint = "SAVEPOINT work", release = "RELEASE work", undo = "ROLLBACK TO work";
    ++writeGroups_;
    Tx tx{*writer_, Backend::Sqlite, *writerStatements_};
    // The whole transaction failed: each work not already refused gets the error when it is
    // final, or runs again.
    auto failAll = [&](const soci::soci_error& e) {
        rollbackQuietly(*writer_);
        const bool fatal = classify(e) == Failure::Fatal;
        for (WriteJob* j : group) {
            if (j->error) continue;
            j->retry = !fatal;
            if (fatal) j->error = std::current_exception();
        }
    };
    try {
        begin(tx, true);
        for (WriteJob* j : group) {
            tx.exec(savepoint);
            try {
                j->work(tx);
                tx.exec(release);
                continue;
            } catch (const RetryTransaction&) {
                j->retry = true;
            } catch (const soci::soci_error& e) {
                if (classify(e) == Failure::Fatal)
                    j->error = std::current_exception();
                else
                    j->retry = true;
            } catch (...) {
                j->error = std::current_exception();
            }
            // Undo this work's changes only; throws when SQLite ended the whole transaction.
            tx.exec(undo);
            tx.exec(release);
        }
        commit(tx);
    } catch (const soci::soci_error& e) {
        failAll(e);
        return;
    }
    const std::uint64_t ticket = walSync_ ? walSync_->committed() : 0;
    for (WriteJob* j : group) j->ticket = ticket;
}

}  // namespace rxflow::store
