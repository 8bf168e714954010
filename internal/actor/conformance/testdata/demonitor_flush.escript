#!/usr/bin/env escript
%% demonitor with flush removes a DOWN already in the mailbox; without flush it stays.
-module(demonitor_flush).
-mode(compile).
-export([main/1]).
-compile([nowarn_unused_function]).

%% Canonical trace helpers (the same in every scenario).
t(F, A) -> io:format(F ++ "~n", A).
r({'EXIT', R}) -> r(R);
r(R) when is_atom(R) -> R;
r(R) when is_tuple(R), tuple_size(R) > 0 -> r(element(1, R));
r(_) -> other.
quiet() -> logger:set_primary_config(level, none).
down(Pid) ->
    receive {'DOWN', _, process, Pid, R} -> r(R) after 5000 -> no_down end.
main(_) ->
    quiet(),
    P = spawn(fun() -> receive go -> ok end end),
    Ref1 = erlang:monitor(process, P),
    Ref2 = erlang:monitor(process, P),
    Ref3 = erlang:monitor(process, P),
    P ! go,
    receive {'DOWN', Ref3, process, P, _} -> ok end,
    erlang:demonitor(Ref1, [flush]),
    erlang:demonitor(Ref2),
    receive {'DOWN', Ref1, _, _, _} -> t("flushed down still here", []) after 0 -> t("flushed down gone", []) end,
    receive {'DOWN', Ref2, _, _, R} -> t("unflushed down ~p", [R]) after 0 -> t("unflushed down gone", []) end.
