-- what PostgREST runs at the start of each request: the JWT's role (as SET LOCAL ROLE does) and
-- its claims, both local to the transaction
select set_config('role', %(role)s, true), set_config('request.jwt.claims', %(claims)s, true)
