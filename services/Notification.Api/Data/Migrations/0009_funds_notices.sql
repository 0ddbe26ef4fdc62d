-- Notices of the funds service (issue 17): a revolving-fund loan fell overdue, version 1 of its template.
INSERT INTO templates (rule, version, title, body, created_by) VALUES
('loan_overdue', 1, '周转资金借款逾期提醒', '{borrowerName}借用的周转资金（{purpose}）第{installmentNo}期应于{dueOn}归还，现逾期未还{overdue}元，尚欠{outstanding}元。请督促借款人按期归还。', 'migration');
