-- The notes of a connector's latest, released and shared versions, kept on its row so a connector
-- list reads them in the same statement as the connector (no batch of notes per list request;
-- a version's note never changes). The database keeps them in step with every write: moving a
-- version pointer reads that version's note, and a version inserted after the row points at it
-- (a connector's version 1, an import's released version 1) writes its note.
ALTER TABLE "connectors"
  ADD COLUMN "latest_version_note" TEXT,
  ADD COLUMN "released_version_note" TEXT,
  ADD COLUMN "shared_version_note" TEXT;

CREATE FUNCTION connectors_version_notes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.latest_version_note := (SELECT note FROM connector_versions WHERE connector_id = NEW.id AND number = NEW.latest_version);
  NEW.released_version_note := (SELECT note FROM connector_versions WHERE connector_id = NEW.id AND number = NEW.released_version);
  NEW.shared_version_note := (SELECT note FROM connector_versions WHERE connector_id = NEW.id AND number = NEW.shared_version);
  RETURN NEW;
END $$;
CREATE TRIGGER connectors_version_notes BEFORE INSERT OR UPDATE OF latest_version, released_version, shared_version ON "connectors"
  FOR EACH ROW EXECUTE FUNCTION connectors_version_notes();

CREATE FUNCTION connector_versions_notes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE connectors SET
      latest_version_note = CASE WHEN latest_version = NEW.number THEN NEW.note ELSE latest_version_note END,
      released_version_note = CASE WHEN released_version = NEW.number THEN NEW.note ELSE released_version_note END,
      shared_version_note = CASE WHEN shared_version = NEW.number THEN NEW.note ELSE shared_version_note END
    WHERE id = NEW.connector_id AND NEW.number IN (latest_version, released_version, shared_version);
  RETURN NULL;
END $$;
CREATE TRIGGER connector_versions_notes AFTER INSERT ON "connector_versions"
  FOR EACH ROW EXECUTE FUNCTION connector_versions_notes();

UPDATE connectors c SET
    latest_version_note = (SELECT note FROM connector_versions v WHERE v.connector_id = c.id AND v.number = c.latest_version),
    released_version_note = (SELECT note FROM connector_versions v WHERE v.connector_id = c.id AND v.number = c.released_version),
    shared_version_note = (SELECT note FROM connector_versions v WHERE v.connector_id = c.id AND v.number = c.shared_version);
