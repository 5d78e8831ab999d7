-- A pinned evaluation set never changes: versions are compared on it by content hash, and stored
-- scores refer to its items by position. Pin a new set instead.
CREATE FUNCTION mien_eval_set_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is immutable: % is not allowed; pin a new evaluation set instead', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER eval_set_no_update_delete
  BEFORE UPDATE OR DELETE ON "eval_set"
  FOR EACH ROW EXECUTE FUNCTION mien_eval_set_immutable();

CREATE TRIGGER eval_set_no_truncate
  BEFORE TRUNCATE ON "eval_set"
  FOR EACH STATEMENT EXECUTE FUNCTION mien_eval_set_immutable();

CREATE TRIGGER eval_set_item_no_update_delete
  BEFORE UPDATE OR DELETE ON "eval_set_item"
  FOR EACH ROW EXECUTE FUNCTION mien_eval_set_immutable();

CREATE TRIGGER eval_set_item_no_truncate
  BEFORE TRUNCATE ON "eval_set_item"
  FOR EACH STATEMENT EXECUTE FUNCTION mien_eval_set_immutable();
