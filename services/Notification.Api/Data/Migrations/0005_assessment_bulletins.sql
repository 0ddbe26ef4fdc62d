-- Bulletins of the monthly assessment (issue 15): the rotating red flag and the yellow card, version 1 of their templates.
INSERT INTO templates (rule, version, title, body, created_by) VALUES
('red_flag_awarded', 1, '流动红旗通报（{month}）', '{month}月度考核，{subjectName}在{ranking}排名中位列第一（{total}分），获得流动红旗。', 'migration'),
('yellow_card_issued', 1, '黄牌警示通报（{month}）', '{subjectKind}{subjectName}在{month}受到黄牌警示：{reason}。请于月度联席会议作出说明并限期整改。', 'migration');
