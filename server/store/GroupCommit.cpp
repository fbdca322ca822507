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
            if (walSync_) walSync_->waitDurable(job.ticket);
            return;
        }
        if (attempt >= options_.maxAttempts) throw Error::unavailable("the database is busy; try again");
        backoffBeforeRetry(attempt);
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
    Tx tx{Backend::Sqlite, *writerStatements_};
    // The whole transaction failed: each work not already refused gets the error when it is
    // final, or runs again.
    auto failAll = [&](const soci::soci_error& e) {
        rollbackQuietly(*writer_);
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
                if (classifyFailure(url_.backend, e) == Failure::Fatal)
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
