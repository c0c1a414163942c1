# Prints the candidates zsh offers for the command line $2 (with a TAB after it), from the
# completion script $1, each as `C:candidate`: a zsh in a pseudo-terminal, with compinit and a
# compadd that echoes what it is given. Used by tests/newcomer.rs.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT='' ; autoload -U compinit; compinit -u"
zpty -w z "compadd () { if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd \"\$@\"; return; fi; typeset -a __hits; builtin compadd -A __hits \"\$@\"; (( \$#__hits )) && print -l -- \"\" \"C:\"\${^__hits}; }"
zpty -w z "source $1"
zpty -w z "compdef _gen-tf gen-tf"
# The quotes keep the terminal's echo of this line from matching: only the output of `print`
# reads __READY__, so the TAB is typed once compinit and the script are loaded (typed ahead,
# ZLE could drop it).
zpty -w z "print -- __REA''DY__"
zpty -r z line '*__READY__*'
zpty -n -w z "$2"$'\t'
# Then clear the line and print a marker: everything read up to it is the completion's output.
zpty -w z $'\C-e\C-u'"print __DO''NE__"
zpty -r z out '*__DONE__*'
print -r -- "$out"
zpty -d z
