-- Hand-written: Prisma has no syntax for functions or triggers.

-- 1. What one decision asks for: "accept", "flag" (remove) or "relabel:<class>". A relabel to the
--    image's own class, or a lone "mislabelled" flag suggesting it, is an accept. The review API's
--    outcomeOf() mirrors this for decisions already in memory.
CREATE FUNCTION mien_review_outcome(kind "DecisionKind", label text, flags "FlagReason"[], suggested text, image_label text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN kind = 'accept' THEN 'accept'
    WHEN kind = 'relabel' THEN CASE WHEN label = image_label THEN 'accept' ELSE 'relabel:' || label END
    WHEN flags = ARRAY['mislabelled']::"FlagReason"[] AND suggested IS NOT NULL THEN
      CASE WHEN suggested = image_label THEN 'accept' ELSE 'relabel:' || suggested END
    ELSE 'flag'
  END
$$;

-- 2. review_consensus is recomputed from review_decision whenever a decision changes. Writers on the
--    same image are serialised on its summary row; after that lock, the recount (a new statement, so a
--    new snapshot under READ COMMITTED) sees every committed decision, so no concurrent write is lost.
CREATE FUNCTION mien_refresh_review_consensus(target uuid) RETURNS void AS $$
DECLARE
  image_label text;
BEGIN
  SELECT label INTO image_label FROM image WHERE id = target;
  -- The image is being deleted (its decisions cascade): its summary goes with it.
  IF NOT FOUND THEN RETURN; END IF;
  INSERT INTO review_consensus ("imageId") VALUES (target) ON CONFLICT DO NOTHING;
  PERFORM 1 FROM review_consensus WHERE "imageId" = target FOR UPDATE;
  UPDATE review_consensus c
     SET reviews = s.reviews,
         disagree = s.outcomes > 1,
         outcome = CASE WHEN s.outcomes = 1 THEN s.outcome END,
         "updatedAt" = now()
    FROM (
      SELECT count(*)::int AS reviews, count(DISTINCT o) AS outcomes, min(o) AS outcome
        FROM (SELECT mien_review_outcome(d.kind, d.label, d.flags, d."suggestedLabel", image_label) AS o
                FROM review_decision d WHERE d."imageId" = target) x
    ) s
   WHERE c."imageId" = target;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION mien_review_decision_changed() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM mien_refresh_review_consensus(OLD."imageId");
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW."imageId" IS DISTINCT FROM OLD."imageId") THEN
    PERFORM mien_refresh_review_consensus(NEW."imageId");
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER review_decision_consensus
  AFTER INSERT OR UPDATE OR DELETE ON review_decision
  FOR EACH ROW EXECUTE FUNCTION mien_review_decision_changed();

CREATE FUNCTION mien_review_decision_truncated() RETURNS trigger AS $$
BEGIN
  DELETE FROM review_consensus;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER review_decision_consensus_truncate
  AFTER TRUNCATE ON review_decision
  FOR EACH STATEMENT EXECUTE FUNCTION mien_review_decision_truncated();

-- Decisions made before this migration.
INSERT INTO review_consensus ("imageId", reviews, disagree, outcome)
SELECT x."imageId", count(*)::int, count(DISTINCT x.o) > 1, CASE WHEN count(DISTINCT x.o) = 1 THEN min(x.o) END
  FROM (SELECT d."imageId", mien_review_outcome(d.kind, d.label, d.flags, d."suggestedLabel", i.label) AS o
          FROM review_decision d JOIN image i ON i.id = d."imageId") x
 GROUP BY x."imageId";

-- 3. A frozen snapshot never changes: training runs pin it by id and content hash.
CREATE FUNCTION mien_dataset_snapshot_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'dataset_snapshot is immutable: % is not allowed; freeze a new snapshot instead', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER dataset_snapshot_no_update_delete
  BEFORE UPDATE OR DELETE ON "dataset_snapshot"
  FOR EACH ROW EXECUTE FUNCTION mien_dataset_snapshot_immutable();

CREATE TRIGGER dataset_snapshot_no_truncate
  BEFORE TRUNCATE ON "dataset_snapshot"
  FOR EACH STATEMENT EXECUTE FUNCTION mien_dataset_snapshot_immutable();
