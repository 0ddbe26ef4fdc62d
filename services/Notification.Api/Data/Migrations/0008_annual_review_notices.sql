-- Notices of the year's end (issue 16 item 6): a first secretary's annual grade (to the cadre and their dispatching
-- unit) and the one-vote veto (to the county's organisation department), version 1 of their templates.
INSERT INTO templates (rule, version, title, body, created_by) VALUES
('annual_grade_confirmed', 1, '{year}年度考核等次通知', '{cadreName}同志{year}年度驻村第一书记考核等次确定为：{grade}。推荐提拔：{promotion}。{note}', 'migration'),
('county_vetoed', 1, '一票否决通报（{year}年度）', '{countyName}{reason}，按规定实行一票否决：本年度该县驻村力量不得评为优秀、不得推荐提拔。', 'migration');
