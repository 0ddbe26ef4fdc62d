-- Notices of the complaints hotline (诉求热线, issue 16): a complaint registered to its subject and county, and the
-- reminder before an unanswered complaint's reply deadline; version 1 of their templates.
INSERT INTO templates (rule, version, title, body, created_by) VALUES
('complaint_registered', 1, '诉求登记通知', '{receivedAt}受理涉及{subjectKind}{subjectName}的群众诉求，请于{replyBy}前答复诉求人。', 'migration'),
('complaint_reply_due', 1, '诉求答复期限临近', '涉及{subjectKind}{subjectName}的群众诉求（{receivedAt}受理）尚未答复，答复期限为{replyBy}，逾期将予以通报批评。', 'migration');
