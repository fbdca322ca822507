#include "server/store/WalSync.h"

#include <Poco/Path.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace rxflow::store {

WalSync::~WalSync() {
    if (fd_ >= 0) ::close(fd_);
}

std::uint64_t WalSync::committed() {
    std::lock_guard<std::mutex> lock(m_);
    return ++issued_;
}

void WalSync::waitDurable(std::uint64_t ticket) {
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

void WalSync::fsyncWal() {
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

}  // namespace rxflow::store
