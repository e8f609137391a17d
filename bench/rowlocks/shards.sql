-- shards: the branch's own row as in branch.sql, plus one shard row of each ancestor (shard =
-- branch number mod shards), locked in path order first (SELECT ... ORDER BY unit_path FOR
-- UPDATE) so that two writers never wait on each other in a cycle, plus the audit event.
-- `ancestors` is the quoted list of the branch's proper prefixes.
\set n random(1, :branches)
\set s :n % :shards
SELECT unit_id AS branch, path, ancestors FROM rowlocks.branch WHERE n = :n \gset
BEGIN;
UPDATE rowlocks.stats SET registered = registered + 1, waiting = waiting + 1
WHERE year = :year AND unit_id = :branch;
WITH locked AS MATERIALIZED (
    SELECT id FROM rowlocks.shard
    WHERE year = :year AND shard = :s AND unit_path IN (:ancestors)
    ORDER BY unit_path
    FOR UPDATE
)
UPDATE rowlocks.shard SET registered = registered + 1, waiting = waiting + 1
FROM locked WHERE shard.id = locked.id;
INSERT INTO rowlocks.audit (at, actor_id, action, target_type, target_id, unit_path, summary, changes)
VALUES (now(), NULL, 'registration.submitted', 'registration', :n, ':path', 'Nguyễn Văn An',
        '{"state": ["draft", "submitted"]}');
END;
