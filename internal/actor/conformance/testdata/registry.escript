#!/usr/bin/env escript
%% A registered name resolves while the process lives and is freed when it dies.
-module(registry).
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
    true = register(worker, P),
    t("whereis is pid: ~p", [whereis(worker) =:= P]),
    Ref = erlang:monitor(process, P),
    worker ! go,
    receive {'DOWN', Ref, _, _, _} -> ok end,
    t("whereis after exit: ~p", [whereis(worker)]).
