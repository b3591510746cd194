-- Evidence files are fetched from the channel after the report is saved (when EVIDENCE_DIR is set): the
-- channel says where the file id is valid; a file that cannot be fetched is not tried forever.
ALTER TABLE evidence ADD COLUMN channel TEXT;
ALTER TABLE evidence ADD COLUMN fetch_error TEXT;
