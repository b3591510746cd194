-- The people a Sở already has (`people import`): each with a phone number, in E.164 (+84…), stored once, so a
-- second import of the same list finds every row by its number. An invitation may be bound to one of them: its
-- code then attaches the chat identity that redeems it to that person instead of giving a role to a new one.
ALTER TABLE people ADD COLUMN phone TEXT;
CREATE UNIQUE INDEX people_phone ON people (phone) WHERE phone IS NOT NULL;
ALTER TABLE invitations ADD COLUMN person_id INTEGER REFERENCES people (id);
CREATE INDEX invitations_by_person ON invitations (person_id) WHERE person_id IS NOT NULL;
