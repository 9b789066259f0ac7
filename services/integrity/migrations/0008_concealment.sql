-- integrity: the concealment findings the risk service sends
-- (cg.evt.risk.concealment.found): a relative the registers show running a
-- company the cadre's unit awarded, which the file does not declare. Kept
-- as internal records of the file, in a section of their own.
INSERT INTO sections (name, label_zh) VALUES ('concealment', '疑似隐瞒不报');
