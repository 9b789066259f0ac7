-- risk: win_ratio's counts read from the index alone.
--
-- For each award, win_ratio counts every supplier's bids and wins in the
-- award's category over the window (ind_win_ratio(), migration 0010). The
-- index on (category, occurred_at) found those bids, and each was then read
-- from the table: about 7,000 rows an award at 80,000 facts, the one
-- indicator that cost the most as facts grew. With the supplier and
-- whether it won in the index, the count is an index-only scan over the
-- pages autovacuum has marked all-visible. Measured on a development
-- stack holding 200,000 to 240,000 facts, a stream of 20,000 events was
-- taken in 20.9 s with this index against 26.1 s and 25.5 s without it
-- (docs/performance.md).
CREATE INDEX award_bids_window ON award_bids (category, occurred_at) INCLUDE (credit_code, won);
DROP INDEX award_bids_category;
