#!/usr/bin/env escript
%% Selective receive takes the first matching message; the others keep their order.
-module(selective_receive).
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
    self() ! a, self() ! b, self() ! c,
    receive c -> t("got c", []) end,
    [receive X -> t("got ~p", [X]) after 0 -> t("empty", []) end || _ <- [1, 2, 3]].
