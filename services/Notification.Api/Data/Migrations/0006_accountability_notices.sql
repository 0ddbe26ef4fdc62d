-- Notices of the accountability register (issue 16): an entry recorded (to the subject's county organisation department
-- and, for a cadre, the cadre; for a unit or its head, the unit) and a rule's proposal awaiting a decision (to the deciding
-- organisation department). Version 1 of their templates.
INSERT INTO templates (rule, version, title, body, created_by) VALUES
('accountability_bulletin', 1, '通报批评：{subjectName}', '{subjectName}于{decidedOn}被通报批评。事由：{reason}。请认真对照检查，限期整改。', 'migration'),
('accountability_talk', 1, '约谈通知：{subjectName}', '经研究，决定于近期约谈{subjectName}（{decidedOn}决定）。事由：{reason}。请单位主要负责人和直接责任人按通知时间参加。', 'migration'),
('accountability_admonishment', 1, '诫勉谈话通知：{subjectName}', '经研究，决定对{subjectName}进行诫勉谈话（{decidedOn}决定）。事由：{reason}。', 'migration'),
('accountability_removal', 1, '免职建议通知：{subjectName}', '{decidedOn}，组织部门对{subjectName}提出免职建议。事由：{reason}。', 'migration'),
('accountability_commendation', 1, '表扬通报：{subjectName}', '{subjectName}于{decidedOn}受到表扬。事迹：{reason}。', 'migration'),
('accountability_conduct_violation', 1, '违反禁令/纪律通报：{subjectName}', '{subjectName}于{decidedOn}被记录违反{conductRule}。事由：{reason}。该记录计入月度考核。', 'migration'),
('accountability_withdrawal', 1, '问责记录撤销：{subjectName}', '{decidedOn}，{subjectName}的一条问责记录已撤销。撤销原因：{reason}。', 'migration'),
('accountability_proposed', 1, '问责建议待处理：{subjectName}', '根据问责规则，建议对{subjectName}予以{entryKind}。事由：{reason}。请及时确认或说明理由不予采纳。', 'migration');
