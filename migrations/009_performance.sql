-- 009: indexes for pages that must not slow down as the association grows (issue 8; each one
-- was found by tests/http_queryplan.c or by `make bench`, see docs/PERFORMANCE.md).

-- The member home's "New members" (the newest approvals) read every active member and
-- sorted them on each view; now it reads eight index entries.
CREATE INDEX users_approved ON users(status, approved_at, id);

-- "Colleagues from my school" in name order, and the member count on the home page, from the
-- index alone. Replaces users_school, which it extends.
CREATE INDEX users_school_status ON users(school_id, status, name);
DROP INDEX users_school;

-- A community's facilitators, in the order pages list them (the directory asks for every
-- community's); facilitators_member is partial (members only) and cannot serve it.
CREATE INDEX facilitators_community ON facilitators(community_id, role, id);
