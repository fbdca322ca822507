#pragma once
// A staff member as the answers show them (API.md §11): never a password or its hash.
#include <Poco/JSON/Object.h>

#include "server/domain/Principal.h"
#include "server/store/StaffRepo.h"

namespace rxflow::http {

// {"id","login","kind","org","stores","name","license"?,"phone"?,"active"}
Poco::JSON::Object::Ptr staffJson(const store::StaffRecord& m);
// {"id","kind","org","stores","name","license"?}: the member a session acts as.
Poco::JSON::Object::Ptr sessionStaffJson(const StaffRef& s, const std::string& org);

}  // namespace rxflow::http
