allow if true
