-- Issue 5: the channel (渠道) a report came through, named in the QR code's
-- link (/report?channel=...), so the office can tell the public, terminal
-- and employee networks (三张监督网) and each poster apart. A name, not free
-- text: the service checks the same pattern (services/intake/src/validate.c);
-- '' for a report that named none, as every report before this one.
ALTER TABLE reports
    ADD COLUMN channel text NOT NULL DEFAULT ''
        CHECK (channel ~ '^([a-z0-9][a-z0-9_-]{0,31})?$');
