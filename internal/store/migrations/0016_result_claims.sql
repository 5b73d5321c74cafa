-- On PostgreSQL a server claims a batch of stale results for a while
-- (claimed_until) instead of holding their rows locked while it reads,
-- computes and stores them: a save that marks the same pupils stale no longer
-- waits for the batch, and another server passes the claimed rows by. A save
-- that marks a row stale again clears its claim.
ALTER TABLE pupil_results ADD COLUMN claimed_until TIMESTAMPTZ;
