// SQLite's write path of Database (see Database.h, combinedWrite): writers queue, one of them
// takes the turn and runs a group of queued transactions under one commit, each inside its own
// savepoint; in GROUP mode the WAL is fsynced (WalSync) before any writer is told its work is
// durable. Locking: writeQueueMutex_ guards writeQueue_, leading_ and every queued WriteJob's
// state, error, retry and ticket; a job's cv is waited on and signalled under it.
#include <algorithm>

#include "server/store/Database.h"

namespace rxflow::store {

void Database::combinedWrite(const std::function<void(Tx&)>& work) {
    for (int attempt = 1;; ++attempt) {
        WriteJob job(work);
        takeTurn(job);
        if (job.error) std::rethrow_exception(job.error);
        if (!job.retry) {
            if (walSync_) waitDurable(job.ticket);
            return;
        }
        if (attempt >= options_.maxAttempts) throw Error::unavailable("the database is busy; try again");
        backoffBeforeRetry(attempt);
    }
}

void Database::waitDurable(std::uint64_t ticket) {
    try {
        walSync_->waitDurable(ticket);
    } catch (const std::runtime_error& e) {
        // Committed, but not known to be on disk: the client may not count on it (a retry with
        // its Idempotency-Key finds it if it is there).
        const std::string reason = "the database's log could not be synced to disk";
        health_.failed(reason, e.what());
        throw Error::unavailable("the write may not be durable: " + reason + "; try again");
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

void Database::refuseGroup(std::vector<WriteJob*>& group, const Error& refusal) {
    for (WriteJob* j : group) {
        if (j->error) continue;
        j->retry = false;
        j->error = std::make_exception_ptr(refusal);
    }
}

void Database::runGroup(std::vector<WriteJob*>& group) {
    static const std::string savepoint = "SAVEPOINT work", release = "RELEASE work", undo = "ROLLBACK TO work";
    ++writeGroups_;
    // The files are checked before the group begins and again before it commits (API.md §13):
    // a halted store runs no work at all, and a file removed while the group ran is not
    // written to either. Two stat() calls each time, once per group of writes.
    auto filesChanged = [&] {
        const auto change = files_ ? files_->changed() : std::nullopt;
        if (!change) return false;
        rollbackQuietly(*writer_);
        halt(*change);  // with no transaction open: it may checkpoint
        return true;
    };
    if (health_.state() == StoreHealth::State::Halted || filesChanged())
        return refuseGroup(group, Error::unavailable(*health_.problem()));
    Tx tx{Backend::Sqlite, *writerStatements_};
    std::optional<Error> fault;  // a work met a storage fault: the group's others get it too
    auto unwritable = [&](const soci::soci_error& e) {
        if (classifyFailure(url_.backend, e) != Failure::Unwritable) return false;
        fault = storageFault(true, e, lastSystemErrno(*writer_));
        return true;
    };
    // The whole transaction failed: each work not already refused gets the error when it is
    // final, or runs again.
    auto failAll = [&](const soci::soci_error& e) {
        const bool storage = unwritable(e);  // before the rollback: it asks for the errno
        rollbackQuietly(*writer_);
        if (storage || fault) return refuseGroup(group, *fault);
        const bool fatal = classifyFailure(url_.backend, e) == Failure::Fatal;
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
                if (unwritable(e))
                    j->error = std::make_exception_ptr(*fault);
                else if (classifyFailure(url_.backend, e) == Failure::Fatal)
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
        if (filesChanged()) return refuseGroup(group, Error::unavailable(*health_.problem()));
        commit(tx);
    } catch (const soci::soci_error& e) {
        failAll(e);
        return;
    }
    health_.committed();
    const std::uint64_t ticket = walSync_ ? walSync_->committed() : 0;
    for (WriteJob* j : group) j->ticket = ticket;
}

}  // namespace rxflow::store
