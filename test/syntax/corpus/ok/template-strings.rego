package templates

greeting := $"Hello, {input.user.name}!"

detailed := $"{count(input.items)} items, first {input.items[0]}, literal \{braces}, constant {42}"

nested := $"outer {$"inner {input.x}"} done"

raw := $`multi-line
value: {input.value}
{ {"a": 1}.a }`
